namespace MiniKube.Sup.Controllers;

/// <summary>
/// The Job controller's pod-failure backoff (k8s backoff_utils.go): a failed pod is replaced after
/// Initial × 2^(failures since the last success − 1), capped at Max, counted from the failure's finish time.
/// Defaults: 10 s, capped at 6 minutes as the Job documentation states (the code's cap is 10 minutes).
/// Base and cap are daemon options (<c>--job-backoff-base</c>, <c>--job-backoff-max</c>); 0 means no delay.
/// </summary>
public sealed record JobBackoffPolicy(TimeSpan Initial, TimeSpan Max)
{
    public static JobBackoffPolicy Kubernetes { get; } = new(TimeSpan.FromSeconds(10), TimeSpan.FromMinutes(6));

    /// <summary>How long after the last failure the next pod may be created.</summary>
    public TimeSpan Delay(int failuresAfterLastSuccess)
    {
        if (failuresAfterLastSuccess <= 0 || Initial <= TimeSpan.Zero || Max <= TimeSpan.Zero) return TimeSpan.Zero;
        var delay = Initial;
        for (var i = 1; i < failuresAfterLastSuccess && delay < Max; i++) delay *= 2;
        return delay < Max ? delay : Max;
    }
}

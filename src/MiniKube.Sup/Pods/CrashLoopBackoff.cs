namespace MiniKube.Sup.Pods;

/// <summary>
/// One container's restart backoff, as client-go's flowcontrol.Backoff is used by the kubelet (doBackOff):
/// the first exit restarts at once and arms the initial delay; each later restart doubles it up to the cap; an
/// exit that comes more than ResetAfter after the last restart starts over. A pure function of the times given.
/// </summary>
public sealed class CrashLoopBackoff(BackoffPolicy policy)
{
    private TimeSpan? _delay;
    private DateTimeOffset _lastUpdate;

    /// <summary>The delay armed by the last restart (null before the first).</summary>
    public TimeSpan? CurrentDelay => _delay;

    /// <summary>k8s IsInBackOffSince: how long the container must still wait after an exit at
    /// <paramref name="finishedAt"/>, or null when it may be started now.</summary>
    public TimeSpan? RemainingAt(DateTimeOffset finishedAt, DateTimeOffset now)
    {
        if (_delay is not { } delay || HasExpired(finishedAt)) return null;
        var waited = now - finishedAt;
        return waited < delay ? delay - waited : null;
    }

    /// <summary>k8s Next: called when the container is (re)started after an exit at <paramref name="finishedAt"/>.</summary>
    public void Next(DateTimeOffset finishedAt, DateTimeOffset now)
    {
        _delay = _delay is not { } delay || HasExpired(finishedAt)
            ? Min(policy.Initial, policy.Max)
            : Min(delay * 2, policy.Max);
        _lastUpdate = now;
    }

    // k8s: HasExpiredFunc = eventTime.Sub(lastUpdate) > 600s ("10 minutes running without problems").
    private bool HasExpired(DateTimeOffset eventTime) => eventTime - _lastUpdate > policy.ResetAfter;

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;
}

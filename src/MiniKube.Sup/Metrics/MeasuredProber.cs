using MiniKube.Sup.Probes;

namespace MiniKube.Sup.Metrics;

/// <summary>A prober that counts and times each probe attempt of one container into <see cref="SupMetrics"/>
/// (lifecycle hooks pass through unmeasured). An attempt the caller cancelled (the container is gone) is not
/// counted: it has no result.</summary>
public sealed class MeasuredProber(IProber inner, SupMetrics metrics, TimeProvider time, string ns, string pod, string container) : IProber
{
    public async Task<ProbeOutcome> ProbeAsync(ProbeRequest request, CancellationToken cancellationToken)
    {
        if (request.IsHook) return await inner.ProbeAsync(request, cancellationToken).ConfigureAwait(false);
        var started = time.GetTimestamp();
        var outcome = await inner.ProbeAsync(request, cancellationToken).ConfigureAwait(false);
        var type = request.Purpose.ToString(); // kubelet's probe_type: Liveness, Readiness, Startup
        metrics.ProbeDuration.Observe(time.GetElapsedTime(started).TotalSeconds, ns, pod, container, type);
        metrics.ProbeTotal.Increment(ns, pod, container, type, Result(outcome.Status));
        return outcome;
    }

    /// <summary>kubelet's prober_probe_total result values.</summary>
    public static string Result(ProbeStatus status) => status switch
    {
        ProbeStatus.Success or ProbeStatus.Warning => "successful",
        ProbeStatus.Failure => "failed",
        _ => "unknown",
    };
}

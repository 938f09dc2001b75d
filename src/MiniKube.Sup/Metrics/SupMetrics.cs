namespace MiniKube.Sup.Metrics;

/// <summary>
/// What the daemon measures as it works, beyond what the store says (that part is <see cref="KubeStateMetrics"/>,
/// computed at each scrape): probe attempts and their durations, how late each CronJob tick started, how long Jobs
/// ran. One instance per daemon, recorded into by the probers and the controllers, written by the /metrics
/// endpoint. Series of pods, CronJobs or namespaces that are gone are pruned at each scrape.
/// </summary>
public sealed class SupMetrics
{
    private static readonly IReadOnlyList<double> LatenessBuckets = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300];
    private static readonly IReadOnlyList<double> JobBuckets = [0.5, 1, 2.5, 5, 10, 30, 60, 300, 600, 1800, 3600, 10800];

    /// <summary>kubelet's prober_probe_total, per container: result is successful, failed or unknown (an error).</summary>
    public CounterFamily ProbeTotal { get; } = new("sup_probe_total",
        "Probe attempts by container, probe type (Liveness, Readiness, Startup) and result (successful, failed, unknown).",
        "namespace", "pod", "container", "probe_type", "result");

    public HistogramFamily ProbeDuration { get; } = new("sup_probe_duration_seconds",
        "How long each probe attempt took, in seconds.", HistogramFamily.DefaultBuckets,
        "namespace", "pod", "container", "probe_type");

    public HistogramFamily CronJobLateness { get; } = new("sup_cronjob_schedule_lateness_seconds",
        "How late each CronJob tick's Job was created against its scheduled time, in seconds.", LatenessBuckets,
        "namespace", "cronjob");

    public HistogramFamily JobDuration { get; } = new("sup_job_duration_seconds",
        "How long finished Jobs ran, from startTime to the Complete or Failed condition, in seconds.", JobBuckets,
        "namespace", "condition");

    /// <summary>Drops the series of objects that no longer exist.</summary>
    /// <param name="pods">the (namespace, name) of every pod in the store</param>
    /// <param name="cronJobs">the (namespace, name) of every CronJob in the store</param>
    /// <param name="namespaces">every namespace that holds objects</param>
    public void Prune(IReadOnlySet<(string Namespace, string Name)> pods, IReadOnlySet<(string Namespace, string Name)> cronJobs, IReadOnlySet<string> namespaces)
    {
        ProbeTotal.RemoveWhere(l => !pods.Contains((l[0], l[1])));
        ProbeDuration.RemoveWhere(l => !pods.Contains((l[0], l[1])));
        CronJobLateness.RemoveWhere(l => !cronJobs.Contains((l[0], l[1])));
        JobDuration.RemoveWhere(l => !namespaces.Contains(l[0]));
    }

    public void Write(PrometheusTextWriter writer)
    {
        ProbeTotal.Write(writer);
        ProbeDuration.Write(writer);
        CronJobLateness.Write(writer);
        JobDuration.Write(writer);
    }
}

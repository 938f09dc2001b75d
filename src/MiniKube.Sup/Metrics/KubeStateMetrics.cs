using k8s;
using k8s.Models;
using MiniKube.Sup.Spec;

namespace MiniKube.Sup.Metrics;

/// <summary>
/// kube-state-metrics' families (names, labels and values as its v2 docs give them,
/// https://github.com/kubernetes/kube-state-metrics/tree/main/docs/metrics) computed from the objects in the store
/// at scrape time: pods, Deployments, StatefulSets, DaemonSets, Jobs, CronJobs, Services. Nothing is remembered
/// between scrapes, so a deleted object's series are gone from the next scrape. A pure function of the objects
/// and the clock.
/// </summary>
public static class KubeStateMetrics
{
    /// <param name="nextSchedule">when a CronJob's next tick is due (null when it never is, or cannot be told)</param>
    public static void Write(PrometheusTextWriter writer, IReadOnlyList<IKubernetesObject<V1ObjectMeta>> objects, Func<V1CronJob, DateTimeOffset?> nextSchedule)
    {
        KubeStatePods.Write(writer, objects.OfType<V1Pod>().OrderBy(Key, StringComparer.Ordinal).ToList());
        KubeStateWorkloads.Write(writer,
            objects.OfType<V1Deployment>().OrderBy(Key, StringComparer.Ordinal).ToList(),
            objects.OfType<V1StatefulSet>().OrderBy(Key, StringComparer.Ordinal).ToList(),
            objects.OfType<V1DaemonSet>().OrderBy(Key, StringComparer.Ordinal).ToList());
        KubeStateJobs.Write(writer,
            objects.OfType<V1Job>().OrderBy(Key, StringComparer.Ordinal).ToList(),
            objects.OfType<V1CronJob>().OrderBy(Key, StringComparer.Ordinal).ToList(), nextSchedule);
        var services = objects.OfType<V1Service>().OrderBy(Key, StringComparer.Ordinal).ToList();
        Families(writer, services,
            ("kube_service_info", "Information about service.", MetricType.Gauge, s =>
                [(1, [.. Ns(s), ("service", s.Metadata.Name), ("uid", s.Metadata.Uid ?? ""), ("cluster_ip", s.Spec?.ClusterIP ?? ""),
                    ("external_name", s.Spec?.ExternalName ?? ""), ("load_balancer_ip", s.Spec?.LoadBalancerIP ?? "")])]),
            ("kube_service_spec_type", "Type about service.", MetricType.Gauge, s =>
                [(1, [.. Ns(s), ("service", s.Metadata.Name), ("uid", s.Metadata.Uid ?? ""), ("type", s.Spec?.Type ?? "ClusterIP")])]),
            ("kube_service_created", "Unix creation timestamp", MetricType.Gauge, s =>
                At(s.Metadata.CreationTimestamp, [.. Ns(s), ("service", s.Metadata.Name), ("uid", s.Metadata.Uid ?? "")])));
    }

    /// <summary>One family's samples for each object: (value, labels).</summary>
    public delegate IEnumerable<(double Value, (string Name, string Value)[] Labels)> SamplesOf<in T>(T obj);

    /// <summary>Writes each family in turn over all the objects (a family's samples must be contiguous).</summary>
    public static void Families<T>(PrometheusTextWriter writer, IReadOnlyList<T> objects, params (string Name, string Help, MetricType Type, SamplesOf<T> Samples)[] families)
    {
        foreach (var (name, help, type, samples) in families)
        {
            var all = objects.SelectMany(o => samples(o)).ToList();
            if (all.Count == 0) continue;
            writer.Family(name, help, type);
            foreach (var (value, labels) in all) writer.Sample(name, value, labels);
        }
    }

    public static IEnumerable<(double Value, (string Name, string Value)[] Labels)> One(double value, (string Name, string Value)[] labels) => [(value, labels)];

    public static readonly IEnumerable<(double Value, (string Name, string Value)[] Labels)> None = [];

    /// <summary>A timestamp family's sample (Unix seconds), or none when the time is not set.</summary>
    public static IEnumerable<(double Value, (string Name, string Value)[] Labels)> At(DateTime? time, (string Name, string Value)[] labels) =>
        time is { } t ? One(Unix(t), labels) : None;

    public static (string Name, string Value)[] Ns(IKubernetesObject<V1ObjectMeta> obj) => [("namespace", obj.Metadata.NamespaceProperty ?? Store.ObjectKey.DefaultNamespace)];

    public static double Unix(DateTime time) => new DateTimeOffset(DateTime.SpecifyKind(time, DateTimeKind.Utc)).ToUnixTimeSeconds();

    /// <summary>kube-state-metrics' condition values: one series per value, 1 for the current one.</summary>
    public static IEnumerable<(double, (string, string)[])> Condition((string, string)[] labels, string? status) =>
        new[] { "true", "false", "unknown" }.Select(v => ((double)(string.Equals(status ?? "Unknown", v, StringComparison.OrdinalIgnoreCase) ? 1 : 0),
            (((string, string)[])[.. labels, ("condition", v)])));

    private static string Key(IKubernetesObject<V1ObjectMeta> o) => (o.Metadata.NamespaceProperty ?? "") + "/" + o.Metadata.Name;
}

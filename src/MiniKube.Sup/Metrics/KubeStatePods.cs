using k8s.Models;
using static MiniKube.Sup.Metrics.KubeStateMetrics;

namespace MiniKube.Sup.Metrics;

/// <summary>kube-state-metrics' pod families (kube_pod_*, kube_pod_container_*).</summary>
public static class KubeStatePods
{
    private static readonly string[] Phases = ["Pending", "Succeeded", "Failed", "Unknown", "Running"];

    public static void Write(PrometheusTextWriter writer, IReadOnlyList<V1Pod> pods)
    {
        Families(writer, pods,
            ("kube_pod_info", "Information about pod.", MetricType.Gauge, p =>
            {
                var owner = p.Metadata.OwnerReferences?.FirstOrDefault(o => o.Controller == true);
                return [(1, [.. Pod(p), ("host_ip", p.Status?.HostIP ?? ""), ("pod_ip", p.Status?.PodIP ?? ""), ("node", p.Spec?.NodeName ?? ""),
                    ("created_by_kind", owner?.Kind ?? ""), ("created_by_name", owner?.Name ?? ""), ("priority_class", p.Spec?.PriorityClassName ?? ""),
                    ("host_network", p.Spec?.HostNetwork == true ? "true" : "false")])];
            }),
            ("kube_pod_created", "Unix creation timestamp", MetricType.Gauge, p =>
                At(p.Metadata.CreationTimestamp, Pod(p))),
            ("kube_pod_start_time", "Start time in unix timestamp for a pod.", MetricType.Gauge, p =>
                At(p.Status?.StartTime, Pod(p))),
            ("kube_pod_deletion_timestamp", "Unix deletion timestamp", MetricType.Gauge, p =>
                At(p.Metadata.DeletionTimestamp, Pod(p))),
            ("kube_pod_status_phase", "The pods current phase.", MetricType.Gauge, p =>
                Phases.Select(phase => ((double)(p.Status?.Phase == phase ? 1 : 0), (((string, string)[])[.. Pod(p), ("phase", phase)])))),
            ("kube_pod_status_ready", "Describes whether the pod is ready to serve requests.", MetricType.Gauge, p =>
                Condition(Pod(p), p.Status?.Conditions?.FirstOrDefault(c => c.Type == "Ready")?.Status)),
            ("kube_pod_status_scheduled", "Describes the status of the scheduling process for the pod.", MetricType.Gauge, p =>
                Condition(Pod(p), p.Status?.Conditions?.FirstOrDefault(c => c.Type == "PodScheduled")?.Status)),
            ("kube_pod_container_info", "Information about a container in a pod.", MetricType.Gauge, p =>
                Statuses(p).Select(c => (1d, (((string, string)[])[.. Container(p, c), ("image", c.Image ?? ""), ("image_id", c.ImageID ?? ""), ("container_id", c.ContainerID ?? "")])))),
            ("kube_pod_container_status_restarts_total", "The number of container restarts per container.", MetricType.Counter, p =>
                Statuses(p).Select(c => ((double)c.RestartCount, Container(p, c)))),
            ("kube_pod_container_status_ready", "Describes whether the containers readiness check succeeded.", MetricType.Gauge, p =>
                Statuses(p).Select(c => (c.Ready ? 1d : 0, Container(p, c)))),
            ("kube_pod_container_status_running", "Describes whether the container is currently in running state.", MetricType.Gauge, p =>
                Statuses(p).Select(c => (c.State?.Running is null ? 0d : 1, Container(p, c)))),
            ("kube_pod_container_status_waiting", "Describes whether the container is currently in waiting state.", MetricType.Gauge, p =>
                Statuses(p).Select(c => (c.State?.Waiting is null ? 0d : 1, Container(p, c)))),
            ("kube_pod_container_status_waiting_reason", "Describes the reason the container is currently in waiting state.", MetricType.Gauge, p =>
                Statuses(p).Where(c => c.State?.Waiting?.Reason is { Length: > 0 })
                    .Select(c => (1d, (((string, string)[])[.. Container(p, c), ("reason", c.State.Waiting.Reason)])))),
            ("kube_pod_container_status_terminated", "Describes whether the container is currently in terminated state.", MetricType.Gauge, p =>
                Statuses(p).Select(c => (c.State?.Terminated is null ? 0d : 1, Container(p, c)))),
            ("kube_pod_container_status_terminated_reason", "Describes the reason the container is currently in terminated state.", MetricType.Gauge, p =>
                Statuses(p).Where(c => c.State?.Terminated?.Reason is { Length: > 0 })
                    .Select(c => (1d, (((string, string)[])[.. Container(p, c), ("reason", c.State.Terminated.Reason)])))),
            ("kube_pod_container_status_last_terminated_reason", "Describes the last reason the container was in terminated state.", MetricType.Gauge, p =>
                Statuses(p).Where(c => c.LastState?.Terminated?.Reason is { Length: > 0 })
                    .Select(c => (1d, (((string, string)[])[.. Container(p, c), ("reason", c.LastState.Terminated.Reason)])))),
            ("kube_pod_container_status_last_terminated_exitcode", "Describes the exit code for the last container in terminated state.", MetricType.Gauge, p =>
                Statuses(p).Where(c => c.LastState?.Terminated is not null)
                    .Select(c => ((double)c.LastState.Terminated.ExitCode, Container(p, c)))));
    }

    private static (string, string)[] Pod(V1Pod p) => [.. Ns(p), ("pod", p.Metadata.Name), ("uid", p.Metadata.Uid ?? "")];

    private static (string, string)[] Container(V1Pod p, V1ContainerStatus c) => [.. Pod(p), ("container", c.Name)];

    /// <summary>Regular containers only, as kube-state-metrics' kube_pod_container_* (init containers have
    /// kube_pod_init_container_* there, not served here).</summary>
    private static IEnumerable<V1ContainerStatus> Statuses(V1Pod p) => p.Status?.ContainerStatuses ?? [];
}

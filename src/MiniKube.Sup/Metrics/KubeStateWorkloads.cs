using k8s.Models;
using static MiniKube.Sup.Metrics.KubeStateMetrics;

namespace MiniKube.Sup.Metrics;

/// <summary>kube-state-metrics' Deployment, StatefulSet and DaemonSet families (the common ones).</summary>
public static class KubeStateWorkloads
{
    public static void Write(PrometheusTextWriter writer, IReadOnlyList<V1Deployment> deployments, IReadOnlyList<V1StatefulSet> statefulSets, IReadOnlyList<V1DaemonSet> daemonSets)
    {
        static (string, string)[] D(V1Deployment d) => [.. Ns(d), ("deployment", d.Metadata.Name)];
        Families(writer, deployments,
            ("kube_deployment_created", "Unix creation timestamp", MetricType.Gauge, d => At(d.Metadata.CreationTimestamp, D(d))),
            ("kube_deployment_spec_replicas", "Number of desired pods for a deployment.", MetricType.Gauge, d => [(d.Spec?.Replicas ?? 1, D(d))]),
            ("kube_deployment_spec_paused", "Whether the deployment is paused and will not be processed by the deployment controller.", MetricType.Gauge,
                d => [(d.Spec?.Paused == true ? 1 : 0, D(d))]),
            ("kube_deployment_status_replicas", "The number of replicas per deployment.", MetricType.Gauge, d => [(d.Status?.Replicas ?? 0, D(d))]),
            ("kube_deployment_status_replicas_ready", "The number of ready replicas per deployment.", MetricType.Gauge, d => [(d.Status?.ReadyReplicas ?? 0, D(d))]),
            ("kube_deployment_status_replicas_available", "The number of available replicas per deployment.", MetricType.Gauge, d => [(d.Status?.AvailableReplicas ?? 0, D(d))]),
            ("kube_deployment_status_replicas_unavailable", "The number of unavailable replicas per deployment.", MetricType.Gauge, d => [(d.Status?.UnavailableReplicas ?? 0, D(d))]),
            ("kube_deployment_status_replicas_updated", "The number of updated replicas per deployment.", MetricType.Gauge, d => [(d.Status?.UpdatedReplicas ?? 0, D(d))]),
            ("kube_deployment_status_observed_generation", "The generation observed by the deployment controller.", MetricType.Gauge, d => [(d.Status?.ObservedGeneration ?? 0, D(d))]),
            ("kube_deployment_metadata_generation", "Sequence number representing a specific generation of the desired state.", MetricType.Gauge, d => [(d.Metadata.Generation ?? 0, D(d))]));

        static (string, string)[] S(V1StatefulSet s) => [.. Ns(s), ("statefulset", s.Metadata.Name)];
        Families(writer, statefulSets,
            ("kube_statefulset_created", "Unix creation timestamp", MetricType.Gauge, s => At(s.Metadata.CreationTimestamp, S(s))),
            ("kube_statefulset_replicas", "Number of desired pods for a StatefulSet.", MetricType.Gauge, s => [(s.Spec?.Replicas ?? 1, S(s))]),
            ("kube_statefulset_status_replicas", "The number of replicas per StatefulSet.", MetricType.Gauge, s => [(s.Status?.Replicas ?? 0, S(s))]),
            ("kube_statefulset_status_replicas_ready", "The number of ready replicas per StatefulSet.", MetricType.Gauge, s => [(s.Status?.ReadyReplicas ?? 0, S(s))]),
            ("kube_statefulset_status_replicas_available", "The number of available replicas per StatefulSet.", MetricType.Gauge, s => [(s.Status?.AvailableReplicas ?? 0, S(s))]),
            ("kube_statefulset_status_replicas_current", "The number of current replicas per StatefulSet.", MetricType.Gauge, s => [(s.Status?.CurrentReplicas ?? 0, S(s))]),
            ("kube_statefulset_status_replicas_updated", "The number of updated replicas per StatefulSet.", MetricType.Gauge, s => [(s.Status?.UpdatedReplicas ?? 0, S(s))]),
            ("kube_statefulset_status_observed_generation", "The generation observed by the StatefulSet controller.", MetricType.Gauge, s => [(s.Status?.ObservedGeneration ?? 0, S(s))]),
            ("kube_statefulset_metadata_generation", "Sequence number representing a specific generation of the desired state for the StatefulSet.", MetricType.Gauge, s => [(s.Metadata.Generation ?? 0, S(s))]));

        static (string, string)[] Ds(V1DaemonSet d) => [.. Ns(d), ("daemonset", d.Metadata.Name)];
        Families(writer, daemonSets,
            ("kube_daemonset_created", "Unix creation timestamp", MetricType.Gauge, d => At(d.Metadata.CreationTimestamp, Ds(d))),
            ("kube_daemonset_status_desired_number_scheduled", "The number of nodes that should be running the daemon pod.", MetricType.Gauge, d => [(d.Status?.DesiredNumberScheduled ?? 0, Ds(d))]),
            ("kube_daemonset_status_current_number_scheduled", "The number of nodes running at least one daemon pod and are supposed to.", MetricType.Gauge, d => [(d.Status?.CurrentNumberScheduled ?? 0, Ds(d))]),
            ("kube_daemonset_status_number_ready", "The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and ready.", MetricType.Gauge, d => [(d.Status?.NumberReady ?? 0, Ds(d))]),
            ("kube_daemonset_status_number_available", "The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and available", MetricType.Gauge, d => [(d.Status?.NumberAvailable ?? 0, Ds(d))]),
            ("kube_daemonset_status_number_unavailable", "The number of nodes that should be running the daemon pod and have none of the daemon pod running and available", MetricType.Gauge, d => [(d.Status?.NumberUnavailable ?? 0, Ds(d))]),
            ("kube_daemonset_status_number_misscheduled", "The number of nodes running a daemon pod but are not supposed to.", MetricType.Gauge, d => [(d.Status?.NumberMisscheduled ?? 0, Ds(d))]),
            ("kube_daemonset_status_updated_number_scheduled", "The total number of nodes that are running updated daemon pod", MetricType.Gauge, d => [(d.Status?.UpdatedNumberScheduled ?? 0, Ds(d))]));
    }
}

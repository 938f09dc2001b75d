using k8s;
using k8s.Models;

namespace MiniKube.Sup.Spec;

/// <summary>The pod an object runs: a Pod's own spec, or a workload's pod template (a CronJob's inside its Job
/// template), with the template's metadata and the field path of the template.</summary>
internal static class PodTemplate
{
    /// <returns>null for a kind that runs no pod; for a Pod, no template metadata and an empty path</returns>
    public static (V1ObjectMeta? Metadata, V1PodSpec? Spec, string Path)? Of(IKubernetesObject<V1ObjectMeta> model) => model switch
    {
        V1Pod p => (null, p.Spec, ""),
        V1Deployment d => (d.Spec?.Template?.Metadata, d.Spec?.Template?.Spec, "spec.template"),
        V1StatefulSet s => (s.Spec?.Template?.Metadata, s.Spec?.Template?.Spec, "spec.template"),
        V1DaemonSet d => (d.Spec?.Template?.Metadata, d.Spec?.Template?.Spec, "spec.template"),
        V1ReplicaSet r => (r.Spec?.Template?.Metadata, r.Spec?.Template?.Spec, "spec.template"),
        V1ReplicationController rc => (rc.Spec?.Template?.Metadata, rc.Spec?.Template?.Spec, "spec.template"),
        V1Job j => (j.Spec?.Template?.Metadata, j.Spec?.Template?.Spec, "spec.template"),
        V1CronJob c => (c.Spec?.JobTemplate?.Spec?.Template?.Metadata, c.Spec?.JobTemplate?.Spec?.Template?.Spec, "spec.jobTemplate.spec.template"),
        _ => null,
    };
}

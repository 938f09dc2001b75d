using k8s.Models;

namespace MiniKube.Sup.Api.KindTables;

/// <summary>kubectl's deployment columns (printDeployment).</summary>
public static class DeploymentTable
{
    public static readonly KindTable Table = new(
    [
        Tables.Name,
        new("Ready", "string", "", 0, "Number of the pod with ready state"),
        new("Up-to-date", "string", "", 0, "Total number of non-terminated pods targeted by this deployment that have the desired template spec."),
        new("Available", "string", "", 0, "Total number of available pods (ready for at least minReadySeconds) targeted by this deployment."),
        Tables.Age,
        new("Containers", "string", "", 1, "Names of each container in the template."),
        new("Images", "string", "", 1, "Images referenced by each container in the template."),
        new("Selector", "string", "", 1, "Label selector for pods. Existing ReplicaSets whose pods are selected by this will be the ones affected by this deployment."),
    ], (obj, now) =>
    {
        var d = (V1Deployment)obj;
        var containers = d.Spec.Template.Spec.Containers;
        return
        [
            d.Metadata.Name,
            $"{d.Status?.ReadyReplicas ?? 0}/{d.Spec.Replicas ?? 1}",
            d.Status?.UpdatedReplicas ?? 0,
            d.Status?.AvailableReplicas ?? 0,
            Tables.AgeOf(d, now),
            string.Join(",", containers.Select(c => c.Name)),
            string.Join(",", containers.Select(c => c.Image ?? "")),
            Tables.Selector(d.Spec.Selector),
        ];
    });
}

using k8s.Models;

namespace MiniKube.Sup.Api.KindTables;

/// <summary>kubectl's replicationcontroller columns (printReplicationController).</summary>
public static class ReplicationControllerTable
{
    public static readonly KindTable Table = new(
    [
        Tables.Name,
        new("Desired", "integer", "", 0, "Replicas is the number of desired replicas."),
        new("Current", "integer", "", 0, "Replicas is the most recently observed number of replicas."),
        new("Ready", "integer", "", 0, "The number of ready replicas for this replication controller."),
        Tables.Age,
        new("Containers", "string", "", 1, "Names of each container in the template."),
        new("Images", "string", "", 1, "Images referenced by each container in the template."),
        new("Selector", "string", "", 1, "Selector is a label query over pods that should match the replica count."),
    ], (obj, now) =>
    {
        var rc = (V1ReplicationController)obj;
        var containers = rc.Spec.Template?.Spec?.Containers ?? [];
        return
        [
            rc.Metadata.Name,
            rc.Spec.Replicas ?? 1,
            rc.Status?.Replicas ?? 0,
            rc.Status?.ReadyReplicas ?? 0,
            Tables.AgeOf(rc, now),
            string.Join(",", containers.Select(c => c.Name)),
            string.Join(",", containers.Select(c => c.Image ?? "")),
            string.Join(",", (rc.Spec.Selector ?? new Dictionary<string, string>()).Select(kv => $"{kv.Key}={kv.Value}")),
        ];
    });
}

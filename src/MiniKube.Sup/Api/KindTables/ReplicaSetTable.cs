using k8s.Models;

namespace MiniKube.Sup.Api.KindTables;

/// <summary>kubectl's replicaset columns (printReplicaSet).</summary>
public static class ReplicaSetTable
{
    public static readonly KindTable Table = new(
    [
        Tables.Name,
        new("Desired", "integer", "", 0, "Replicas is the number of desired replicas."),
        new("Current", "integer", "", 0, "Replicas is the most recently observed number of replicas."),
        new("Ready", "integer", "", 0, "The number of ready replicas for this replica set."),
        Tables.Age,
        new("Containers", "string", "", 1, "Names of each container in the template."),
        new("Images", "string", "", 1, "Images referenced by each container in the template."),
        new("Selector", "string", "", 1, "Selector is a label query over pods that should match the replica count."),
    ], (obj, now) =>
    {
        var rs = (V1ReplicaSet)obj;
        var containers = rs.Spec.Template.Spec.Containers;
        return
        [
            rs.Metadata.Name,
            rs.Spec.Replicas ?? 1,
            rs.Status?.Replicas ?? 0,
            rs.Status?.ReadyReplicas ?? 0,
            Tables.AgeOf(rs, now),
            string.Join(",", containers.Select(c => c.Name)),
            string.Join(",", containers.Select(c => c.Image ?? "")),
            Tables.Selector(rs.Spec.Selector),
        ];
    });
}

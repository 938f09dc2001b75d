using k8s.Models;

namespace MiniKube.Sup.Api.KindTables;

/// <summary>kubectl's statefulset columns (printStatefulSet).</summary>
public static class StatefulSetTable
{
    public static readonly KindTable Table = new(
    [
        Tables.Name,
        new("Ready", "string", "", 0, "Number of the pod with ready state"),
        Tables.Age,
        new("Containers", "string", "", 1, "Names of each container in the template."),
        new("Images", "string", "", 1, "Images referenced by each container in the template."),
    ], (obj, now) =>
    {
        var sts = (V1StatefulSet)obj;
        var containers = sts.Spec.Template.Spec.Containers;
        return
        [
            sts.Metadata.Name,
            $"{sts.Status?.ReadyReplicas ?? 0}/{sts.Spec.Replicas ?? 1}",
            Tables.AgeOf(sts, now),
            string.Join(",", containers.Select(c => c.Name)),
            string.Join(",", containers.Select(c => c.Image ?? "")),
        ];
    });
}

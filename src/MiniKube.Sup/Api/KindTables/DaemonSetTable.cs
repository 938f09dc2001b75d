using k8s.Models;

namespace MiniKube.Sup.Api.KindTables;

/// <summary>kubectl's daemonset columns (printDaemonSet).</summary>
public static class DaemonSetTable
{
    public static readonly KindTable Table = new(
    [
        Tables.Name,
        new("Desired", "integer", "", 0, "The number of nodes that should be running the daemon pod."),
        new("Current", "integer", "", 0, "The number of nodes running at least one daemon pod."),
        new("Ready", "integer", "", 0, "The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and ready."),
        new("Up-to-date", "integer", "", 0, "The total number of nodes that are running updated daemon pod."),
        new("Available", "integer", "", 0, "The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and available."),
        new("Node Selector", "string", "", 0, "NodeSelector is a selector which must be true for the pod to fit on a node."),
        Tables.Age,
        new("Containers", "string", "", 1, "Names of each container in the template."),
        new("Images", "string", "", 1, "Images referenced by each container in the template."),
        new("Selector", "string", "", 1, "A label query over pods that are managed by the daemon set."),
    ], (obj, now) =>
    {
        var ds = (V1DaemonSet)obj;
        var s = ds.Status;
        var nodeSelector = ds.Spec.Template.Spec.NodeSelector is { Count: > 0 } ns ? string.Join(",", ns.Select(p => $"{p.Key}={p.Value}")) : "<none>";
        var containers = ds.Spec.Template.Spec.Containers;
        return
        [
            ds.Metadata.Name,
            s?.DesiredNumberScheduled ?? 0,
            s?.CurrentNumberScheduled ?? 0,
            s?.NumberReady ?? 0,
            s?.UpdatedNumberScheduled ?? 0,
            s?.NumberAvailable ?? 0,
            nodeSelector,
            Tables.AgeOf(ds, now),
            string.Join(",", containers.Select(c => c.Name)),
            string.Join(",", containers.Select(c => c.Image ?? "")),
            Tables.Selector(ds.Spec.Selector),
        ];
    });
}

using k8s.Models;
using MiniKube.Sup.Printing;

namespace MiniKube.Sup.Api.KindTables;

/// <summary>kubectl's pod columns (printPod).</summary>
public static class PodTable
{
    public static readonly KindTable Table = new(
    [
        Tables.Name,
        new("Ready", "string", "", 0, "The aggregate readiness state of this pod for accepting traffic."),
        new("Status", "string", "", 0, "The aggregate status of the containers in this pod."),
        new("Restarts", "string", "", 0, "The number of times the containers in this pod have been restarted and when the last container in this pod has restarted."),
        Tables.Age,
        new("IP", "string", "", 1, "IP address allocated to the pod."),
        new("Node", "string", "", 1, "Name of the Node this pod is running on."),
        new("Nominated Node", "string", "", 1, "Name of the node this pod is nominated to run on."),
        new("Readiness Gates", "string", "", 1, "Readiness gates of this pod."),
    ], (obj, now) =>
    {
        var pod = (V1Pod)obj;
        var c = PodPrinter.Columns(pod, now);
        return [pod.Metadata.Name, c.Ready, c.Status, c.Restarts, Tables.AgeOf(pod, now), c.Ip, Environment.MachineName, "<none>", "<none>"];
    });
}

using System.Globalization;
using k8s;
using k8s.Models;
using MiniKube.Sup.Printing;

namespace MiniKube.Sup.Api;

/// <summary>The columns kubectl shows for each kind, computed server side (what `kubectl get` asks for with
/// Accept: as=Table). `sup get` prints the same rows.</summary>
public static class Tables
{
    private static readonly TableColumn Name = new("Name", "string", "name", 0, "Name must be unique within a namespace.");
    private static readonly TableColumn Age = new("Age", "string", "", 0, "CreationTimestamp is a timestamp representing the server time when this object was created.");

    public static IReadOnlyList<TableColumn> Columns(ResourceKind kind) => kind.Kind switch
    {
        "Pod" =>
        [
            Name,
            new("Ready", "string", "", 0, "The aggregate readiness state of this pod for accepting traffic."),
            new("Status", "string", "", 0, "The aggregate status of the containers in this pod."),
            new("Restarts", "string", "", 0, "The number of times the containers in this pod have been restarted and when the last container in this pod has restarted."),
            Age,
            new("IP", "string", "", 1, "IP address allocated to the pod."),
            new("Node", "string", "", 1, "Name of the Node this pod is running on."),
            new("Nominated Node", "string", "", 1, "Name of the node this pod is nominated to run on."),
            new("Readiness Gates", "string", "", 1, "Readiness gates of this pod."),
        ],
        "Event" =>
        [
            new("Last Seen", "string", "", 0, "Time since the event was last seen."),
            new("Type", "string", "", 0, "Type of this event (Normal, Warning)."),
            new("Reason", "string", "", 0, "Why the action was taken."),
            new("Object", "string", "", 0, "The object this event is about."),
            new("Message", "string", "", 0, "A human-readable description of the status of this operation."),
        ],
        _ => [Name, Age],
    };

    public static IReadOnlyList<object> Cells(ResourceKind kind, IKubernetesObject<V1ObjectMeta> obj, DateTime now)
    {
        var age = obj.Metadata.CreationTimestamp is { } created ? HumanDuration.Format(now - created) : "<unknown>";
        switch (obj)
        {
            case V1Pod pod:
                var c = PodPrinter.Columns(pod, now);
                return [pod.Metadata.Name, c.Ready, c.Status, c.Restarts, age, c.Ip, Environment.MachineName, "<none>", "<none>"];
            case Corev1Event e:
                var last = e.LastTimestamp ?? e.FirstTimestamp ?? e.EventTime;
                return
                [
                    last is { } t ? HumanDuration.Format(now - t) : "<unknown>",
                    e.Type ?? "",
                    e.Reason ?? "",
                    $"{e.InvolvedObject?.Kind?.ToLowerInvariant()}/{e.InvolvedObject?.Name}",
                    e.Message ?? "",
                ];
            default:
                return [obj.Metadata.Name, age];
        }
    }

    public static string Cell(object value) => value switch
    {
        string s => s,
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };
}

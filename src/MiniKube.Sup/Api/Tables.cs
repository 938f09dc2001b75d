using System.Globalization;
using k8s;
using k8s.Models;
using MiniKube.Sup.Api.KindTables;
using MiniKube.Sup.Printing;
using MiniKube.Sup.Spec;

namespace MiniKube.Sup.Api;

/// <summary>The columns kubectl shows for each kind, computed server side (what `kubectl get` asks for with
/// Accept: as=Table). `sup get` prints the same rows. One <see cref="KindTable"/> per kind, in its own file.</summary>
public static class Tables
{
    public static readonly TableColumn Name = new("Name", "string", "name", 0, "Name must be unique within a namespace.");
    public static readonly TableColumn Age = new("Age", "string", "", 0, "CreationTimestamp is a timestamp representing the server time when this object was created.");

    private static readonly KindTable Default = new([Name, Age], (obj, now) => [obj.Metadata.Name, AgeOf(obj, now)]);

    private static readonly Dictionary<string, KindTable> ByKind = new(StringComparer.Ordinal)
    {
        [Kinds.Pod.Kind] = PodTable.Table,
        [Kinds.Event.Kind] = EventTable.Table,
        [Kinds.DaemonSet.Kind] = DaemonSetTable.Table,
        [Kinds.Job.Kind] = JobTable.Table,
        [Kinds.CronJob.Kind] = CronJobTable.Table,
        [Kinds.Deployment.Kind] = DeploymentTable.Table,
        [Kinds.ReplicaSet.Kind] = ReplicaSetTable.Table,
        [Kinds.StatefulSet.Kind] = StatefulSetTable.Table,
        [Kinds.Service.Kind] = ServiceTable.Table,
        [Kinds.Endpoints.Kind] = EndpointsTable.Table,
        [Kinds.Namespace.Kind] = NamespaceTable.Table,
        [Kinds.ReplicationController.Kind] = ReplicationControllerTable.Table,
        [Kinds.ConfigMap.Kind] = ConfigMapTable.Table,
        [Kinds.Secret.Kind] = SecretTable.Table,
    };

    public static IReadOnlyList<TableColumn> Columns(KindInfo kind) => (ByKind.GetValueOrDefault(kind.Kind) ?? Default).Columns;

    public static IReadOnlyList<object> Cells(KindInfo kind, IKubernetesObject<V1ObjectMeta> obj, DateTime now) =>
        (ByKind.GetValueOrDefault(kind.Kind) ?? Default).Cells(obj, now);

    public static string AgeOf(IKubernetesObject<V1ObjectMeta> obj, DateTime now) =>
        obj.Metadata.CreationTimestamp is { } created ? HumanDuration.Format(now - created) : "<unknown>";

    /// <summary>kubectl's rendering of a label selector (<c>app=web,tier in (a,b)</c>; <c>&lt;none&gt;</c> when empty).</summary>
    public static string Selector(V1LabelSelector? selector)
    {
        var parts = new List<string>();
        foreach (var (k, v) in selector?.MatchLabels ?? new Dictionary<string, string>()) parts.Add($"{k}={v}");
        foreach (var e in selector?.MatchExpressions ?? [])
            parts.Add(e.OperatorProperty switch
            {
                "In" => $"{e.Key} in ({string.Join(",", e.Values ?? [])})",
                "NotIn" => $"{e.Key} notin ({string.Join(",", e.Values ?? [])})",
                "Exists" => e.Key,
                _ => $"!{e.Key}",
            });
        return parts.Count == 0 ? "<none>" : string.Join(",", parts);
    }

    /// <summary>A cell as text, control characters escaped (k8s-style tables are one line per row, and a name or
    /// message must not drive the terminal of whoever prints it, kubectl included).</summary>
    public static string Cell(object value) => value switch
    {
        string s => ControlCharacters.Escape(s),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };
}

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
        [Kinds.PersistentVolumeClaim.Kind] = PersistentVolumeClaimTable.Table,
        [Kinds.PersistentVolume.Kind] = PersistentVolumeTable.Table,
        [Kinds.ServiceAccount.Kind] = ServiceAccountTable.Table,
        [Kinds.ControllerRevision.Kind] = ControllerRevisionTable.Table,
        [Kinds.PodDisruptionBudget.Kind] = PodDisruptionBudgetTable.Table,
        [Kinds.NetworkPolicy.Kind] = NetworkPolicyTable.Table,
        [Kinds.Ingress.Kind] = IngressTable.Table,
        [Kinds.IngressClass.Kind] = IngressClassTable.Table,
        [Kinds.RoleBinding.Kind] = RoleBindingTable.Table,
        [Kinds.ClusterRoleBinding.Kind] = ClusterRoleBindingTable.Table,
        [Kinds.Role.Kind] = CreatedAtTable.Table,
        [Kinds.ClusterRole.Kind] = CreatedAtTable.Table,
        [Kinds.LimitRange.Kind] = CreatedAtTable.Table,
        [Kinds.StorageClass.Kind] = StorageClassTable.Table,
        [Kinds.PriorityClass.Kind] = PriorityClassTable.Table,
        [Kinds.ResourceQuota.Kind] = ResourceQuotaTable.Table,
        [Kinds.HorizontalPodAutoscaler.Kind] = HorizontalPodAutoscalerTable.Table,
    };

    public static IReadOnlyList<TableColumn> Columns(KindInfo kind) => (ByKind.GetValueOrDefault(kind.Kind) ?? Default).Columns;

    public static IReadOnlyList<object> Cells(KindInfo kind, IKubernetesObject<V1ObjectMeta> obj, DateTime now) =>
        (ByKind.GetValueOrDefault(kind.Kind) ?? Default).Cells(obj, now);

    public static string AgeOf(IKubernetesObject<V1ObjectMeta> obj, DateTime now) =>
        obj.Metadata.CreationTimestamp is { } created ? HumanDuration.Format(now - created) : "<unknown>";

    /// <summary>kubectl's rendering of a label selector (labels.Selector's String: requirements by key, values sorted;
    /// <c>app=web,tier in (a,b)</c>; <c>&lt;none&gt;</c> when empty).</summary>
    public static string Selector(V1LabelSelector? selector)
    {
        var parts = new List<(string Key, string Text)>();
        foreach (var (k, v) in selector?.MatchLabels ?? new Dictionary<string, string>()) parts.Add((k, $"{k}={v}"));
        foreach (var e in selector?.MatchExpressions ?? [])
        {
            var values = string.Join(",", (e.Values ?? []).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal));
            parts.Add((e.Key, e.OperatorProperty switch
            {
                "In" => $"{e.Key} in ({values})",
                "NotIn" => $"{e.Key} notin ({values})",
                "Exists" => e.Key,
                _ => $"!{e.Key}",
            }));
        }
        return parts.Count == 0 ? "<none>" : string.Join(",", parts.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => p.Text));
    }

    /// <summary>The annotation that, when present, names a claim's or volume's class before spec.storageClassName.</summary>
    public const string BetaStorageClassAnnotation = "volume.beta.kubernetes.io/storage-class";

    /// <summary>kubectl's access modes (GetAccessModesAsString: RWO,ROX,RWX,RWOP in that order, each once).</summary>
    public static string AccessModes(IEnumerable<string>? modes)
    {
        var set = (modes ?? []).ToHashSet(StringComparer.Ordinal);
        (string Mode, string Short)[] order = [("ReadWriteOnce", "RWO"), ("ReadOnlyMany", "ROX"), ("ReadWriteMany", "RWX"), ("ReadWriteOncePod", "RWOP")];
        return string.Join(",", order.Where(o => set.Contains(o.Mode)).Select(o => o.Short));
    }

    /// <summary>A binding's subjects as kubectl's wide columns show them (rbac.SubjectsStrings): users, groups, and
    /// service accounts as namespace/name, each list joined by ", ".</summary>
    public static string[] Subjects(IEnumerable<Rbacv1Subject>? subjects)
    {
        var all = (subjects ?? []).ToList();
        return
        [
            string.Join(", ", all.Where(s => s.Kind == "User").Select(s => s.Name)),
            string.Join(", ", all.Where(s => s.Kind == "Group").Select(s => s.Name)),
            string.Join(", ", all.Where(s => s.Kind == "ServiceAccount").Select(s => $"{s.NamespaceProperty}/{s.Name}")),
        ];
    }

    /// <summary>A cell as text (a boolean as JSON writes it, which kubectl prints), control characters escaped (k8s-style tables are one line per row, and a name or
    /// message must not drive the terminal of whoever prints it, kubectl included).</summary>
    public static string Cell(object value) => value switch
    {
        string s => ControlCharacters.Escape(s),
        bool b => b ? "true" : "false",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };
}

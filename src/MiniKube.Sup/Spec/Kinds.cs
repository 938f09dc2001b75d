using k8s.Models;

namespace MiniKube.Sup.Spec;

/// <summary>Every kind sup knows, the one list: the store holds these, the API serves those with verbs (with kubectl's
/// names, so that `kubectl get po` and `sup get sts` resolve the same way), manifests declare those marked so.</summary>
public static class Kinds
{
    private static readonly string[] ReadWrite = ["create", "delete", "get", "list", "patch", "update", "watch"];
    private static readonly string[] ReadOnly = ["get", "list", "watch"];

    public static readonly KindInfo Pod = KindInfo.Of<V1Pod>("Pod", "", "pods", "po") with
    { Verbs = ReadWrite, Subresources = ["log"], FromManifests = true, InCategoryAll = true };

    public static readonly KindInfo Event = KindInfo.Of<Corev1Event>("Event", "", "events", "ev") with
    { Verbs = ReadOnly, HasSpec = false };

    public static readonly KindInfo ConfigMap = KindInfo.Of<V1ConfigMap>("ConfigMap", "", "configmaps", "cm") with
    { Verbs = ReadWrite, FromManifests = true, HasSpec = false };

    public static readonly KindInfo Secret = KindInfo.Of<V1Secret>("Secret", "", "secrets") with
    { Verbs = ReadWrite, FromManifests = true, HasSpec = false };

    public static readonly KindInfo Service = KindInfo.Of<V1Service>("Service", "", "services", "svc") with
    { Verbs = ReadWrite, FromManifests = true, InCategoryAll = true };

    public static readonly KindInfo PersistentVolumeClaim = KindInfo.Of<V1PersistentVolumeClaim>("PersistentVolumeClaim", "", "persistentvolumeclaims", "pvc") with
    { Verbs = ReadWrite, FromManifests = true };

    public static readonly KindInfo Deployment = KindInfo.Of<V1Deployment>("Deployment", "apps", "deployments", "deploy") with
    { Verbs = ReadWrite, Subresources = ["scale"], FromManifests = true, InCategoryAll = true };

    public static readonly KindInfo StatefulSet = KindInfo.Of<V1StatefulSet>("StatefulSet", "apps", "statefulsets", "sts") with
    { Verbs = ReadWrite, Subresources = ["scale"], FromManifests = true, InCategoryAll = true };

    public static readonly KindInfo DaemonSet = KindInfo.Of<V1DaemonSet>("DaemonSet", "apps", "daemonsets", "ds") with
    { Verbs = ReadWrite, FromManifests = true, InCategoryAll = true };

    public static readonly KindInfo Job = KindInfo.Of<V1Job>("Job", "batch", "jobs") with
    { Verbs = ReadWrite, FromManifests = true, InCategoryAll = true };

    public static readonly KindInfo CronJob = KindInfo.Of<V1CronJob>("CronJob", "batch", "cronjobs", "cj") with
    { Verbs = ReadWrite, FromManifests = true, InCategoryAll = true };

    // Deleting one deletes what it holds (the namespace controller); one is made on demand for an object in a
    // namespace nothing declares.
    public static readonly KindInfo Namespace = KindInfo.Of<V1Namespace>("Namespace", "", "namespaces", "ns") with
    { Verbs = ReadWrite, FromManifests = true, Namespaced = false };

    // A Deployment's revisions, and a manifest's own (SPEC §2 runs them: the same controller keeps both).
    public static readonly KindInfo ReplicaSet = KindInfo.Of<V1ReplicaSet>("ReplicaSet", "apps", "replicasets", "rs") with
    { Verbs = ReadWrite, FromManifests = true, InCategoryAll = true };

    // The ReplicaSet's predecessor (core/v1, selector a label map), run the same way.
    public static readonly KindInfo ReplicationController = KindInfo.Of<V1ReplicationController>("ReplicationController", "", "replicationcontrollers", "rc") with
    { Verbs = ReadWrite, Subresources = ["scale"], FromManifests = true, InCategoryAll = true };

    // Written by controllers only (a Service's endpoints): read, as kubectl needs.

    public static readonly KindInfo Endpoints = KindInfo.Of<V1Endpoints>("Endpoints", "", "endpoints", "ep") with
    { Verbs = ReadOnly, HasSpec = false };

    // A StatefulSet's revisions: its controller writes them; served to be read (kubectl get and describe
    // controllerrevisions, rollout history), as Endpoints are.
    public static readonly KindInfo ControllerRevision = KindInfo.Of<V1ControllerRevision>("ControllerRevision", "apps", "controllerrevisions") with
    { Verbs = ReadOnly, HasSpec = false };

    // Kinds that mean nothing on one host (SPEC §2): stored and served as Kubernetes serves them, acted on by nothing.
    public static readonly KindInfo ServiceAccount = Inert<V1ServiceAccount>("ServiceAccount", "", "serviceaccounts", "sa");
    public static readonly KindInfo Role = Inert<V1Role>("Role", "rbac.authorization.k8s.io", "roles");
    public static readonly KindInfo RoleBinding = Inert<V1RoleBinding>("RoleBinding", "rbac.authorization.k8s.io", "rolebindings");
    public static readonly KindInfo ClusterRole = Inert<V1ClusterRole>("ClusterRole", "rbac.authorization.k8s.io", "clusterroles") with { Namespaced = false };
    public static readonly KindInfo ClusterRoleBinding = Inert<V1ClusterRoleBinding>("ClusterRoleBinding", "rbac.authorization.k8s.io", "clusterrolebindings") with { Namespaced = false };
    public static readonly KindInfo PodDisruptionBudget = Inert<V1PodDisruptionBudget>("PodDisruptionBudget", "policy", "poddisruptionbudgets", "pdb");
    public static readonly KindInfo NetworkPolicy = Inert<V1NetworkPolicy>("NetworkPolicy", "networking.k8s.io", "networkpolicies", "netpol");
    public static readonly KindInfo Ingress = Inert<V1Ingress>("Ingress", "networking.k8s.io", "ingresses", "ing");
    public static readonly KindInfo IngressClass = Inert<V1IngressClass>("IngressClass", "networking.k8s.io", "ingressclasses") with { Namespaced = false };
    public static readonly KindInfo StorageClass = Inert<V1StorageClass>("StorageClass", "storage.k8s.io", "storageclasses", "sc") with { Namespaced = false };
    public static readonly KindInfo PriorityClass = Inert<V1PriorityClass>("PriorityClass", "scheduling.k8s.io", "priorityclasses", "pc") with { Namespaced = false, HasSpec = false };
    public static readonly KindInfo LimitRange = Inert<V1LimitRange>("LimitRange", "", "limitranges", "limits");
    public static readonly KindInfo ResourceQuota = Inert<V1ResourceQuota>("ResourceQuota", "", "resourcequotas", "quota");
    public static readonly KindInfo HorizontalPodAutoscaler = Inert<V2HorizontalPodAutoscaler>("HorizontalPodAutoscaler", "autoscaling", "horizontalpodautoscalers", "hpa") with { Version = "v2" };
    public static readonly KindInfo PersistentVolume = Inert<V1PersistentVolume>("PersistentVolume", "", "persistentvolumes", "pv") with { Namespaced = false };

    /// <summary>Every kind the store holds.</summary>
    public static IReadOnlyList<KindInfo> All { get; } =
    [
        Pod, Event, ConfigMap, Secret, Service, PersistentVolumeClaim, Deployment, StatefulSet, DaemonSet, Job, CronJob, ReplicaSet, ReplicationController, Namespace, Endpoints, ControllerRevision,
        ServiceAccount, Role, RoleBinding, ClusterRole, ClusterRoleBinding, PodDisruptionBudget, NetworkPolicy, Ingress, IngressClass, StorageClass,
        PriorityClass, LimitRange, ResourceQuota, HorizontalPodAutoscaler, PersistentVolume,
    ];

    private static KindInfo Inert<T>(string kind, string group, string plural, params string[] shortNames)
        where T : class, k8s.IKubernetesObject<V1ObjectMeta> =>
        KindInfo.Of<T>(kind, group, plural, shortNames) with { Verbs = ReadWrite, FromManifests = true, Inert = true };

    /// <summary>The kinds the API serves, in discovery's order.</summary>
    public static IReadOnlyList<KindInfo> Served { get; } = All.Where(k => k.Served).ToList();

    /// <summary>The kinds a manifest may declare.</summary>
    public static IReadOnlyList<KindInfo> FromManifests { get; } = All.Where(k => k.FromManifests).ToList();

    /// <summary>The served kind a user's name means (`po`, `pods`, `Deployment`...), as kubectl resolves it.</summary>
    public static KindInfo? ByName(string name) => Served.FirstOrDefault(k => k.Matches(name));

    /// <summary>The kind named exactly <paramref name="kind"/> (as in an object's <c>kind</c>).</summary>
    public static KindInfo? ByKind(string kind) => All.FirstOrDefault(k => k.Kind == kind);

    /// <summary>The served kind of an API path's group, version and plural.</summary>
    public static KindInfo? ByPath(string group, string version, string plural) =>
        Served.FirstOrDefault(k => k.Group == group && k.Version == version && k.Plural == plural);
}

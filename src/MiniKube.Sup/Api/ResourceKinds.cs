namespace MiniKube.Sup.Api;

/// <summary>The kinds sup serves, with kubectl's names (plural, singular, short names) so that `kubectl get po`
/// and `sup get sts` resolve the same way.</summary>
public static class ResourceKinds
{
    private static readonly string[] ReadWrite = ["create", "delete", "get", "list", "patch", "update", "watch"];

    public static readonly ResourceKind Pod = new("Pod", "pods", "pod", "", "v1", ["po"], ReadWrite, ["log"]);
    public static readonly ResourceKind Event = new("Event", "events", "event", "", "v1", ["ev"], ["get", "list", "watch"], []);
    public static readonly ResourceKind ConfigMap = new("ConfigMap", "configmaps", "configmap", "", "v1", ["cm"], ReadWrite, []);
    public static readonly ResourceKind Secret = new("Secret", "secrets", "secret", "", "v1", [], ReadWrite, []);
    public static readonly ResourceKind Service = new("Service", "services", "service", "", "v1", ["svc"], ReadWrite, []);
    public static readonly ResourceKind PersistentVolumeClaim = new("PersistentVolumeClaim", "persistentvolumeclaims", "persistentvolumeclaim", "", "v1", ["pvc"], ReadWrite, []);
    public static readonly ResourceKind Deployment = new("Deployment", "deployments", "deployment", "apps", "v1", ["deploy"], ReadWrite, ["scale"]);
    public static readonly ResourceKind StatefulSet = new("StatefulSet", "statefulsets", "statefulset", "apps", "v1", ["sts"], ReadWrite, ["scale"]);
    public static readonly ResourceKind DaemonSet = new("DaemonSet", "daemonsets", "daemonset", "apps", "v1", ["ds"], ReadWrite, []);
    public static readonly ResourceKind Job = new("Job", "jobs", "job", "batch", "v1", [], ReadWrite, []);
    public static readonly ResourceKind CronJob = new("CronJob", "cronjobs", "cronjob", "batch", "v1", ["cj"], ReadWrite, []);
    // Written by controllers only (a Deployment's revisions, a Service's endpoints): read and delete, as kubectl needs.
    public static readonly ResourceKind ReplicaSet = new("ReplicaSet", "replicasets", "replicaset", "apps", "v1", ["rs"], ["delete", "get", "list", "watch"], []);
    public static readonly ResourceKind Endpoints = new("Endpoints", "endpoints", "endpoints", "", "v1", ["ep"], ["get", "list", "watch"], []);

    public static IReadOnlyList<ResourceKind> All { get; } =
        [Pod, Event, ConfigMap, Secret, Service, PersistentVolumeClaim, Deployment, StatefulSet, DaemonSet, Job, CronJob, ReplicaSet, Endpoints];

    public static ResourceKind? ByName(string name) => All.FirstOrDefault(k => k.Matches(name));

    public static ResourceKind? ByKind(string kind) => All.FirstOrDefault(k => k.Kind == kind);

    public static ResourceKind? ByPath(string group, string version, string plural) =>
        All.FirstOrDefault(k => k.Group == group && k.Version == version && k.Plural == plural);
}

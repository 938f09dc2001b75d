using k8s.Models;
using MiniKube.Sup.Events;
using MiniKube.Sup.Spec;
using MiniKube.Sup.Store;

namespace MiniKube.Sup.Controllers;

/// <summary>
/// DaemonSet on a single host: exactly one pod, this host being the only node. A template change replaces it as a
/// RollingUpdate with maxSurge 0 does: the old pod is stopped first and the new one starts once it is gone
/// (OnDelete: only when the old pod is deleted by hand). A failed pod is deleted and replaced.
/// </summary>
public sealed class DaemonSetController(ControllerContext context) : Controller(context)
{
    public const string RevisionHashLabel = "controller-revision-hash";
    public const string TemplateGenerationLabel = "pod-template-generation";

    public override string Kind => Kinds.DaemonSet.Kind;

    public override Task<TimeSpan?> ReconcileAsync(string queueKey, CancellationToken cancel)
    {
        var key = KeyOf(queueKey);
        if (Store.Get(key)?.Object is not V1DaemonSet ds) return Task.FromResult<TimeSpan?>(null);
        var hash = PodTemplates.Hash(ds.Spec.Template);
        var onDelete = ds.Spec.UpdateStrategy?.Type == "OnDelete";
        var pods = OwnedPods(ds.Metadata.Uid);

        // k8s: a failed daemon pod is killed so that a new one is created.
        foreach (var failed in pods.Where(p => !PodState.IsTerminating(p) && p.Status?.Phase == "Failed"))
            Delete(ds, failed);
        var active = pods.Where(PodState.IsActive).OrderByDescending(p => IsCurrent(p, hash)).ThenByDescending(p => p.Metadata.CreationTimestamp).ToList();
        // More than one pod on the node: keep the best (current revision, newest), delete the rest.
        foreach (var extra in active.Skip(1)) Delete(ds, extra);
        var pod = active.FirstOrDefault();

        if (pod is not null && !onDelete && !IsCurrent(pod, hash))
        {
            Delete(ds, pod); // maxSurge 0: the old one goes first
            pod = null;
        }
        // The new pod waits until every old one is gone (k8s: never two daemon pods on a node with maxSurge 0).
        if (pod is null && !pods.Any(PodState.IsTerminating))
        {
            var created = PodTemplates.NewPod(ds.Spec.Template, $"{ds.Metadata.Name}-{PodTemplates.RandomSuffix()}", ds,
                new Dictionary<string, string>
                {
                    [RevisionHashLabel] = hash,
                    [TemplateGenerationLabel] = (ds.Metadata.Generation ?? 1).ToString(System.Globalization.CultureInfo.InvariantCulture),
                });
            if (Pods.Create(created))
            {
                Record(ds.Metadata, SupEvent.Normal, "SuccessfulCreate", $"Created pod: {created.Metadata.Name}");
                pod = created;
            }
        }

        var now = Time.GetUtcNow();
        var minReady = ds.Spec.MinReadySeconds ?? 0;
        var live = pod is not null && PodState.IsActive(pod);
        var ready = live && PodState.IsReady(pod!);
        var available = live && PodState.IsAvailable(pod!, minReady, now);
        var status = new V1DaemonSetStatus
        {
            DesiredNumberScheduled = 1,
            CurrentNumberScheduled = live ? 1 : 0,
            NumberMisscheduled = 0,
            NumberReady = ready ? 1 : 0,
            NumberAvailable = available ? 1 : 0,
            NumberUnavailable = available ? 0 : 1,
            UpdatedNumberScheduled = live && IsCurrent(pod!, hash) ? 1 : 0,
            ObservedGeneration = ds.Metadata.Generation,
        };
        // Status only, on the version that is stored now (a whole-object write-back could undo a concurrent apply, or
        // bring back a DaemonSet deleted meanwhile).
        Store.MutateStatus<V1DaemonSet>(key, latest =>
        {
            if (latest.Metadata.Uid != ds.Metadata.Uid) return false;
            latest.Status = status;
            return true;
        }, Durability.Soon);
        return Task.FromResult(live ? PodState.UntilAvailable(pod!, minReady, now) : null);
    }

    private static bool IsCurrent(V1Pod pod, string hash) =>
        pod.Metadata.Labels?.TryGetValue(RevisionHashLabel, out var h) == true && h == hash;

    private void Delete(V1DaemonSet ds, V1Pod pod)
    {
        Pods.Delete(pod);
        Record(ds.Metadata, SupEvent.Normal, "SuccessfulDelete", $"Deleted pod: {pod.Metadata.Name}");
    }
}

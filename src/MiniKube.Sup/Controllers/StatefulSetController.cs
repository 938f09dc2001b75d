using System.Globalization;
using System.Text.Json;
using k8s;
using k8s.Models;
using MiniKube.Sup.Events;
using MiniKube.Sup.Spec;
using MiniKube.Sup.Store;

namespace MiniKube.Sup.Controllers;

/// <summary>
/// A StatefulSet as upstream's stateful_set_control.go runs it: pods <c>&lt;set&gt;-&lt;ordinal&gt;</c> with a
/// stable hostname, and per ordinal the claims <c>&lt;claim&gt;-&lt;set&gt;-&lt;ordinal&gt;</c> of its
/// volumeClaimTemplates (persistent directories that outlive scale-down and deletion and come back to the same
/// ordinal). OrderedReady creates pod k+1 only once pod k is Running and Ready, and removes pods from the highest
/// ordinal, one at a time, each once fully gone; Parallel creates and deletes without waiting. RollingUpdate
/// replaces pods from the highest ordinal down to the partition, one at a time, each once the previous is
/// Ready; OnDelete only when a pod is deleted by hand. Failed or Succeeded pods are recreated.
/// </summary>
public sealed class StatefulSetController(ControllerContext context) : Controller(context)
{
    public const string RevisionLabel = "controller-revision-hash";
    public const string PodNameLabel = "statefulset.kubernetes.io/pod-name";
    public const string PodIndexLabel = "apps.kubernetes.io/pod-index";

    public override string Kind => Kinds.StatefulSet.Kind;

    public override Task<TimeSpan?> ReconcileAsync(string queueKey, CancellationToken cancel)
    {
        var key = KeyOf(queueKey);
        var name = key.Name;
        if (Store.Get(key) is not { } stored) return Task.FromResult<TimeSpan?>(null);
        var set = stored.Copy<V1StatefulSet>();
        var uid = set.Metadata.Uid ?? "";
        var previous = set.Status ?? new V1StatefulSetStatus();
        var now = Time.GetUtcNow();
        var minReady = set.Spec.MinReadySeconds ?? 0;
        var monotonic = set.Spec.PodManagementPolicy is null or "OrderedReady";
        var replicas = set.Spec.Replicas ?? 1;
        var start = set.Spec.Ordinals?.Start ?? 0;

        // k8s keeps each template a set has had as a ControllerRevision, so that ordinals below the partition are
        // re-created at the current (old) revision, also after a restart.
        var revisions = Revisions(set);
        var updateRevision = $"{name}-{PodTemplates.Hash(set.Spec.Template)}";
        if (!revisions.ContainsKey(updateRevision)) revisions[updateRevision] = SaveRevision(set, updateRevision);
        var currentRevision = previous.CurrentRevision is { } c && revisions.ContainsKey(c) ? c : updateRevision;
        var partition = set.Spec.UpdateStrategy?.Type is null or "RollingUpdate" ? set.Spec.UpdateStrategy?.RollingUpdate?.Partition ?? 0 : 0;
        TimeSpan? again = null;

        var pods = OwnedPods(uid);
        var byOrdinal = new Dictionary<int, V1Pod>();
        foreach (var p in pods)
            if (OrdinalOf(name, p.Metadata.Name) is { } o) byOrdinal[o] = p;
        var condemned = byOrdinal.Where(kv => kv.Key < start || kv.Key >= start + replicas).OrderByDescending(kv => kv.Key).Select(kv => kv.Value).ToList();

        V1Pod? firstUnhealthy = null;
        for (var o = start; o < start + replicas && firstUnhealthy is null; o++)
            if (byOrdinal.TryGetValue(o, out var p) && !IsHealthy(p, minReady, now)) firstUnhealthy = p;
        foreach (var p in Enumerable.Reverse(condemned))
            if (firstUnhealthy is null && !IsHealthy(p, minReady, now)) firstUnhealthy = p;

        var blocked = false;
        for (var o = start; o < start + replicas && !blocked; o++)
        {
            byOrdinal.TryGetValue(o, out var pod);
            // k8s: a Failed or Succeeded replica is deleted and recreated with the same name and claims.
            if (pod is not null && !PodState.IsTerminating(pod) && PodState.IsTerminal(pod))
            {
                Delete(set, pod);
                blocked = monotonic;
                continue;
            }
            if (pod is null)
            {
                // k8s newVersionedStatefulSetPod: below the partition, ordinals come back at the current revision.
                var revision = o - start < partition && revisions.ContainsKey(currentRevision) ? currentRevision : updateRevision;
                var created = NewPod(set, o, revisions[revision].Template, revision);
                if (Pods.Create(created)) Record(set.Metadata, SupEvent.Normal, "SuccessfulCreate", $"create Pod {created.Metadata.Name} in StatefulSet {name} successful");
                blocked = monotonic;
                continue;
            }
            if (PodState.IsTerminating(pod) || !IsRunningAndReady(pod))
            {
                blocked = monotonic;
                continue;
            }
            if (!PodState.IsAvailable(pod, minReady, now))
            {
                again = Min(again, PodState.UntilAvailable(pod, minReady, now));
                blocked = monotonic;
            }
        }

        // Scale down: the highest ordinal first; in OrderedReady one at a time, each once gone, and only while every
        // other pod is healthy (the first unhealthy one excepted).
        if (!blocked)
        {
            foreach (var pod in condemned)
            {
                if (PodState.IsTerminating(pod))
                {
                    if (monotonic) { blocked = true; break; }
                    continue;
                }
                if (monotonic && !ReferenceEquals(pod, firstUnhealthy) && !IsHealthy(pod, minReady, now))
                {
                    again = Min(again, PodState.UntilAvailable(pod, minReady, now));
                    blocked = true;
                    break;
                }
                Delete(set, pod);
                if (monotonic) { blocked = true; break; }
            }
        }

        // RollingUpdate: from the highest ordinal down to the partition, the first pod not at the update revision
        // is deleted (it comes back at the update revision); wait while the pod in front is unhealthy. Scaling first.
        if (!blocked && set.Spec.UpdateStrategy?.Type is null or "RollingUpdate")
        {
            for (var o = start + replicas - 1; o >= start + partition; o--)
            {
                if (!byOrdinal.TryGetValue(o, out var pod)) break;
                if (RevisionOf(pod) != updateRevision && !PodState.IsTerminating(pod))
                {
                    Delete(set, pod);
                    break;
                }
                if (!IsHealthy(pod, minReady, now)) break;
            }
        }

        var status = ComputeStatus(set, OwnedPods(uid), currentRevision, updateRevision, minReady, now);
        TrimHistory(set, revisions, status);
        Store.MutateStatus<V1StatefulSet>(key, latest =>
        {
            if (latest.Metadata.Uid != set.Metadata.Uid) return false;
            latest.Status = status;
            return true;
        }, Durability.Soon);
        return Task.FromResult(again);
    }

    /// <summary>The set's ControllerRevisions by name, with the template each holds.</summary>
    private Dictionary<string, (long Revision, V1PodTemplateSpec Template)> Revisions(V1StatefulSet set)
    {
        var result = new Dictionary<string, (long, V1PodTemplateSpec)>(StringComparer.Ordinal);
        foreach (var stored in Store.ListOwned(Kinds.ControllerRevision.Kind, set.Metadata.Uid))
        {
            var revision = stored.As<V1ControllerRevision>();
            if (revision.Data is JsonElement data && data.ValueKind == JsonValueKind.Object)
                result[revision.Metadata.Name] = (revision.Revision ?? 0, KubernetesJson.Deserialize<V1PodTemplateSpec>(data.GetRawText()));
        }
        return result;
    }

    /// <summary>k8s history.NewControllerRevision: the template, numbered after the newest revision; durable at once.</summary>
    private (long, V1PodTemplateSpec) SaveRevision(V1StatefulSet set, string name)
    {
        var number = Store.ListOwned(Kinds.ControllerRevision.Kind, set.Metadata.Uid).Select(o => o.As<V1ControllerRevision>().Revision ?? 0).DefaultIfEmpty(0).Max() + 1;
        var revision = new V1ControllerRevision
        {
            ApiVersion = Kinds.ControllerRevision.ApiVersion,
            Kind = Kinds.ControllerRevision.Kind,
            Metadata = new V1ObjectMeta
            {
                Name = name,
                NamespaceProperty = set.Metadata.NamespaceProperty ?? ObjectKey.DefaultNamespace,
                Labels = set.Spec.Template.Metadata?.Labels is { } labels ? new Dictionary<string, string>(labels) { [RevisionLabel] = name } : new Dictionary<string, string> { [RevisionLabel] = name },
                OwnerReferences = [PodTemplates.OwnerReference(set)],
            },
            Data = JsonDocument.Parse(KubernetesJson.Serialize(set.Spec.Template)).RootElement.Clone(),
            Revision = number,
        };
        try { Store.Create(revision, PodControl.ControllerSource); }
        catch (StoreConflictException e) when (e.Reason == StoreConflictReason.AlreadyExists) { /* a name taken by another set's revision: use ours in memory */ }
        return (number, PodTemplates.Clone(set.Spec.Template));
    }

    /// <summary>k8s truncateHistory: revisions beyond revisionHistoryLimit (default 10) go, oldest first, never the
    /// current or the update revision.</summary>
    private void TrimHistory(V1StatefulSet set, Dictionary<string, (long Revision, V1PodTemplateSpec Template)> revisions, V1StatefulSetStatus status)
    {
        var limit = set.Spec.RevisionHistoryLimit ?? 10;
        var old = revisions.Where(r => r.Key != status.CurrentRevision && r.Key != status.UpdateRevision).OrderBy(r => r.Value.Revision).ToList();
        foreach (var (name, _) in old.Take(Math.Max(0, old.Count - limit)))
        {
            try { Store.Delete(new ObjectKey(Kinds.ControllerRevision.Kind, set.Metadata.NamespaceProperty ?? ObjectKey.DefaultNamespace, name)); }
            catch (StoreNotFoundException) { }
        }
    }

    private static V1StatefulSetStatus ComputeStatus(V1StatefulSet set, IReadOnlyList<V1Pod> pods, string currentRevision, string updateRevision, int minReady, DateTimeOffset now)
    {
        var status = new V1StatefulSetStatus
        {
            ObservedGeneration = set.Metadata.Generation,
            Replicas = pods.Count,
            ReadyReplicas = pods.Count(IsRunningAndReady),
            AvailableReplicas = pods.Count(p => IsRunningAndReady(p) && PodState.IsAvailable(p, minReady, now)),
            CurrentReplicas = pods.Count(p => !PodState.IsTerminating(p) && RevisionOf(p) == currentRevision),
            UpdatedReplicas = pods.Count(p => !PodState.IsTerminating(p) && RevisionOf(p) == updateRevision),
            CurrentRevision = currentRevision,
            UpdateRevision = updateRevision,
            CollisionCount = 0,
        };
        // k8s completeRollingUpdate: once every replica is updated and ready, the update revision is current.
        if (set.Spec.UpdateStrategy?.Type is null or "RollingUpdate" && status.UpdatedReplicas == status.Replicas && status.ReadyReplicas == status.Replicas
            && status.Replicas == (set.Spec.Replicas ?? 1))
        {
            status.CurrentReplicas = status.UpdatedReplicas;
            status.CurrentRevision = updateRevision;
        }
        return status;
    }

    /// <summary>The pod of one ordinal: its name and hostname, identity labels, and its claims' volumes.</summary>
    private static V1Pod NewPod(V1StatefulSet set, int ordinal, V1PodTemplateSpec template, string revision)
    {
        var setName = set.Metadata.Name;
        var podName = $"{setName}-{ordinal.ToString(CultureInfo.InvariantCulture)}";
        var pod = PodTemplates.NewPod(template, podName, set, new Dictionary<string, string>
        {
            [RevisionLabel] = revision,
            [PodNameLabel] = podName,
            [PodIndexLabel] = ordinal.ToString(CultureInfo.InvariantCulture),
        });
        pod.Spec.Hostname = podName;
        pod.Spec.Subdomain = set.Spec.ServiceName;
        // k8s updateStorage: each claim template becomes a volume of that name on the ordinal's claim.
        var volumes = pod.Spec.Volumes?.ToList() ?? [];
        foreach (var claim in set.Spec.VolumeClaimTemplates ?? [])
        {
            volumes.RemoveAll(v => v.Name == claim.Metadata.Name);
            volumes.Add(new V1Volume
            {
                Name = claim.Metadata.Name,
                PersistentVolumeClaim = new V1PersistentVolumeClaimVolumeSource { ClaimName = ClaimName(claim.Metadata.Name, setName, ordinal) },
            });
        }
        if (volumes.Count > 0) pod.Spec.Volumes = volumes;
        // A container sees its pod's hostname in HOSTNAME (the container runtime's doing in k8s; a host process
        // keeps the machine's hostname, so it gets the stable name this way).
        foreach (var container in pod.Spec.Containers.Concat(pod.Spec.InitContainers ?? []))
            if (container.Env?.Any(e => e.Name == "HOSTNAME") != true)
                container.Env = [new V1EnvVar { Name = "HOSTNAME", Value = podName }, .. container.Env ?? []];
        return pod;
    }

    /// <summary>k8s getPersistentVolumeClaimName: <c>&lt;claim&gt;-&lt;set&gt;-&lt;ordinal&gt;</c>.</summary>
    public static string ClaimName(string claim, string set, int ordinal) => $"{claim}-{set}-{ordinal.ToString(CultureInfo.InvariantCulture)}";

    private void Delete(V1StatefulSet set, V1Pod pod)
    {
        Pods.Delete(pod);
        Record(set.Metadata, SupEvent.Normal, "SuccessfulDelete", $"delete Pod {pod.Metadata.Name} in StatefulSet {set.Metadata.Name} successful");
    }

    public static int? OrdinalOf(string set, string pod) =>
        pod.Length > set.Length + 1 && pod.StartsWith(set + "-", StringComparison.Ordinal)
        && int.TryParse(pod.AsSpan(set.Length + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var o) ? o : null;

    private static string? RevisionOf(V1Pod pod) => pod.Metadata.Labels is { } l && l.TryGetValue(RevisionLabel, out var r) ? r : null;

    private static bool IsRunningAndReady(V1Pod pod) => pod.Status?.Phase == "Running" && PodState.IsReady(pod);

    /// <summary>k8s isHealthy: running, ready (and available), not terminating.</summary>
    private static bool IsHealthy(V1Pod pod, int minReady, DateTimeOffset now) =>
        IsRunningAndReady(pod) && !PodState.IsTerminating(pod) && PodState.IsAvailable(pod, minReady, now);

    private static TimeSpan? Min(TimeSpan? a, TimeSpan? b) => a is null ? b : b is null ? a : a < b ? a : b;
}

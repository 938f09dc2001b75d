using System.Globalization;
using k8s.Models;
using MiniKube.Sup.Events;
using MiniKube.Sup.Spec;
using MiniKube.Sup.Store;
using static MiniKube.Sup.Controllers.DeploymentConditions;

namespace MiniKube.Sup.Controllers;

/// <summary>
/// A Deployment as upstream runs it: each pod template is a revision held by a ReplicaSet named
/// <c>&lt;deploy&gt;-&lt;pod-template-hash&gt;</c>; this controller only creates and scales ReplicaSets (the
/// ReplicaSet controller creates and deletes pods). RollingUpdate follows deployment_util.go's surge and
/// unavailability math; Recreate scales every old ReplicaSet to 0 and waits until their pods are gone.
/// Status counters and the Progressing / Available conditions (progressDeadlineSeconds) are upstream's;
/// old ReplicaSets beyond revisionHistoryLimit are deleted once a rollout completes.
/// </summary>
public sealed class DeploymentController(ControllerContext context) : Controller(context)
{
    public const string PodTemplateHashLabel = "pod-template-hash";
    public const string RevisionAnnotation = "deployment.kubernetes.io/revision";
    public const string DesiredReplicasAnnotation = "deployment.kubernetes.io/desired-replicas";
    public const string MaxReplicasAnnotation = "deployment.kubernetes.io/max-replicas";

    public override string Kind => Kinds.Deployment.Kind;

    public override IEnumerable<string> KeysFor(ObjectEvent change)
    {
        foreach (var key in base.KeysFor(change)) yield return key;
        if (change.Kind == Kinds.ReplicaSet.Kind && OwnerKey(change.Object.Metadata, Kind) is { } owner) yield return owner;
    }

    public override Task<TimeSpan?> ReconcileAsync(string queueKey, CancellationToken cancel)
    {
        var key = KeyOf(queueKey);
        if (Store.Get(key) is not { } stored) return Task.FromResult<TimeSpan?>(null);
        // An apply never drops status (the store keeps spec and status apart): progress is judged against it.
        var d = stored.Copy<V1Deployment>();
        var uid = d.Metadata.Uid ?? "";
        var previous = d.Status ?? new V1DeploymentStatus();
        var now = Time.GetUtcNow();
        var nowUtc = now.UtcDateTime;
        var replicas = d.Spec.Replicas ?? 1;
        var conditions = previous.Conditions?.ToList() ?? [];
        var collisions = previous.CollisionCount;

        var all = ReplicaSetsOf(uid);
        var hash = PodTemplates.Hash(d.Spec.Template, collisions);
        var newRs = all.FirstOrDefault(rs => HashOf(rs) == hash);
        var old = all.Where(rs => !ReferenceEquals(rs, newRs)).OrderBy(Created).ThenBy(rs => rs.Metadata.Name, StringComparer.Ordinal).ToList();
        var paused = d.Spec.Paused == true;

        var progress = Get(conditions, Progressing);
        if (HasDeadline(d))
        {
            if (paused && progress?.Reason != DeploymentPaused)
                Set(conditions, New(Progressing, "Unknown", DeploymentPaused, "Deployment is paused", nowUtc));
            else if (!paused && progress?.Reason == DeploymentPaused)
                Set(conditions, New(Progressing, "Unknown", DeploymentResumed, "Deployment is resumed", nowUtc));
        }

        if (newRs is not null) AdoptAsNew(d, newRs, old, conditions, nowUtc);
        TimeSpan? again = null;
        if (paused)
        {
            // k8s sync(): a paused Deployment is scaled but not rolled out.
            if (newRs is not null && old.All(rs => Replicas(rs) == 0) && Replicas(newRs) != replicas) Scale(d, newRs, replicas);
        }
        else if (d.Spec.Strategy?.Type == "Recreate")
        {
            foreach (var rs in old.Where(rs => Replicas(rs) > 0)) Scale(d, rs, 0);
            // k8s rolloutRecreate: new pods only once every old pod has terminated (no overlap).
            var oldPodsRunning = old.Any(rs => OwnedPods(rs.Metadata.Uid).Any(p => !PodState.IsTerminal(p)));
            if (!oldPodsRunning)
            {
                if (newRs is null) newRs = Create(d, hash, replicas, old, conditions, nowUtc, ref collisions, out again);
                else if (Replicas(newRs) != replicas) Scale(d, newRs, replicas);
            }
        }
        else
        {
            newRs ??= Create(d, hash, RolloutMath.NewReplicaSetReplicas(d, Sum(old, Replicas), 0), old, conditions, nowUtc, ref collisions, out again);
            if (newRs is not null && !ReconcileNew(d, newRs, old)) ReconcileOld(d, newRs, old);
        }

        if (!paused && IsComplete(d, previous)) CleanUp(d, old);

        var withNew = newRs is null ? old : [.. old, newRs];
        var status = new V1DeploymentStatus
        {
            ObservedGeneration = d.Metadata.Generation,
            Replicas = Sum(withNew, rs => rs.Status?.Replicas ?? 0),
            UpdatedReplicas = newRs?.Status?.Replicas ?? 0,
            ReadyReplicas = Sum(withNew, rs => rs.Status?.ReadyReplicas ?? 0),
            AvailableReplicas = Sum(withNew, rs => rs.Status?.AvailableReplicas ?? 0),
            CollisionCount = collisions,
        };
        status.UnavailableReplicas = Math.Max(0, Sum(withNew, Replicas) - (status.AvailableReplicas ?? 0));
        status.Conditions = conditions;
        // k8s calculateStatus: Available while at most maxUnavailable replicas are unavailable.
        if ((status.AvailableReplicas ?? 0) >= replicas - RolloutMath.MaxUnavailable(d))
            Set(conditions, New(Available, "True", MinimumReplicasAvailable, "Deployment has minimum availability.", nowUtc));
        else
            Set(conditions, New(Available, "False", MinimumReplicasUnavailable, "Deployment does not have minimum availability.", nowUtc));
        var deadline = SyncProgress(d, previous, status, newRs, nowUtc);
        if (deadline is { } due && (again is null || due < again)) again = due;

        var revision = newRs?.Metadata.Annotations is { } notes && notes.TryGetValue(RevisionAnnotation, out var r) ? r : null;
        if (revision is not null && (d.Metadata.Annotations is not { } current || !current.TryGetValue(RevisionAnnotation, out var known) || known != revision))
        {
            Store.Mutate<V1Deployment>(key, latest =>
            {
                if (latest.Metadata.Uid != d.Metadata.Uid) return false;
                latest.Metadata.Annotations ??= new Dictionary<string, string>();
                latest.Metadata.Annotations[RevisionAnnotation] = revision;
                return true;
            });
        }
        // Derived from the ReplicaSets at every look: written Soon.
        Store.MutateStatus<V1Deployment>(key, latest =>
        {
            if (latest.Metadata.Uid != d.Metadata.Uid) return false;
            latest.Status = status;
            return true;
        }, Durability.Soon);
        return Task.FromResult(again);
    }

    /// <summary>k8s syncRolloutStatus: Progressing=True while replicas move, NewReplicaSetAvailable when done,
    /// False/ProgressDeadlineExceeded when nothing moved for progressDeadlineSeconds (the controller keeps trying;
    /// there is no automatic rollback). Returns when to look again for the deadline.</summary>
    private static TimeSpan? SyncProgress(V1Deployment d, V1DeploymentStatus previous, V1DeploymentStatus status, V1ReplicaSet? newRs, DateTime now)
    {
        var conditions = (List<V1DeploymentCondition>)status.Conditions;
        if (!HasDeadline(d))
        {
            conditions.RemoveAll(c => c.Type == Progressing);
            return null;
        }
        var current = Get(conditions, Progressing);
        var complete = status.Replicas == status.UpdatedReplicas && current?.Reason == NewReplicaSetAvailable;
        if (complete || d.Spec.Paused == true) return null;
        var subject = newRs is null ? $"Deployment \"{d.Metadata.Name}\"" : $"ReplicaSet \"{newRs.Metadata.Name}\"";
        if (IsComplete(d, status))
            Set(conditions, New(Progressing, "True", NewReplicaSetAvailable, $"{subject} has successfully progressed.", now));
        else if (IsProgressing(previous, status))
        {
            var condition = New(Progressing, "True", ReplicaSetUpdated, $"{subject} is progressing.", now);
            // k8s: progress refreshes lastUpdateTime even when the reason stays the same.
            if (current is not null)
            {
                if (current.Status == "True") condition.LastTransitionTime = current.LastTransitionTime;
                conditions.RemoveAll(c => c.Type == Progressing);
            }
            Set(conditions, condition);
        }
        else if (TimedOut(d, conditions, now))
            Set(conditions, New(Progressing, "False", ProgressDeadlineExceeded, $"{subject} has timed out progressing.", now));

        current = Get(conditions, Progressing);
        if (current is null || current.Reason is NewReplicaSetAvailable or ProgressDeadlineExceeded || current.LastUpdateTime is not { } from) return null;
        var due = DateTime.SpecifyKind(from, DateTimeKind.Utc) + TimeSpan.FromSeconds(d.Spec.ProgressDeadlineSeconds!.Value) - now;
        // k8s checks "deadline before now": look just after it.
        return (due > TimeSpan.Zero ? due : TimeSpan.Zero) + TimeSpan.FromMilliseconds(1);
    }

    private static bool TimedOut(V1Deployment d, List<V1DeploymentCondition> conditions, DateTime now)
    {
        var c = Get(conditions, Progressing);
        if (c is null || c.Reason == NewReplicaSetAvailable) return false;
        if (c.Reason == ProgressDeadlineExceeded) return true;
        if (c.LastUpdateTime is not { } from) return false;
        return DateTime.SpecifyKind(from, DateTimeKind.Utc) + TimeSpan.FromSeconds(d.Spec.ProgressDeadlineSeconds!.Value) < now;
    }

    /// <summary>k8s DeploymentComplete: every replica updated and available, and the spec observed.</summary>
    public static bool IsComplete(V1Deployment d, V1DeploymentStatus s)
    {
        var replicas = d.Spec.Replicas ?? 1;
        return (s.UpdatedReplicas ?? 0) == replicas && (s.Replicas ?? 0) == replicas && (s.AvailableReplicas ?? 0) == replicas
            && (s.ObservedGeneration ?? 0) >= (d.Metadata.Generation ?? 0);
    }

    /// <summary>k8s DeploymentProgressing: more updated, fewer old, more ready or more available replicas.</summary>
    private static bool IsProgressing(V1DeploymentStatus before, V1DeploymentStatus now) =>
        (now.UpdatedReplicas ?? 0) > (before.UpdatedReplicas ?? 0)
        || (now.Replicas ?? 0) - (now.UpdatedReplicas ?? 0) < (before.Replicas ?? 0) - (before.UpdatedReplicas ?? 0)
        || (now.ReadyReplicas ?? 0) > (before.ReadyReplicas ?? 0)
        || (now.AvailableReplicas ?? 0) > (before.AvailableReplicas ?? 0);

    private static bool HasDeadline(V1Deployment d) => d.Spec.ProgressDeadlineSeconds is { } s && s != int.MaxValue;

    /// <summary>k8s reconcileNewReplicaSet; true when it scaled (the old ones wait for the next sync).</summary>
    private bool ReconcileNew(V1Deployment d, V1ReplicaSet newRs, List<V1ReplicaSet> old)
    {
        var replicas = d.Spec.Replicas ?? 1;
        var current = Replicas(newRs);
        if (current == replicas) return false;
        var target = current > replicas ? replicas : RolloutMath.NewReplicaSetReplicas(d, Sum(old, Replicas) + current, current);
        if (target == current) return false;
        Scale(d, newRs, target);
        return true;
    }

    /// <summary>k8s reconcileOldReplicaSets: unhealthy old replicas go first, then old ReplicaSets are scaled down
    /// oldest first, never taking available pods below replicas − maxUnavailable.</summary>
    private void ReconcileOld(V1Deployment d, V1ReplicaSet newRs, List<V1ReplicaSet> old)
    {
        if (Sum(old, Replicas) == 0) return;
        var all = old.Append(newRs).ToList();
        var maxScaledDown = RolloutMath.MaxScaledDown(d, Sum(all, Replicas), Replicas(newRs), newRs.Status?.AvailableReplicas ?? 0);
        if (maxScaledDown <= 0) return;

        var cleaned = 0;
        foreach (var rs in old)
        {
            if (cleaned >= maxScaledDown) break;
            var available = rs.Status?.AvailableReplicas ?? 0;
            if (Replicas(rs) == 0 || Replicas(rs) == available) continue;
            var count = Math.Min(maxScaledDown - cleaned, Replicas(rs) - available);
            Scale(d, rs, Replicas(rs) - count);
            cleaned += count;
        }

        var minAvailable = (d.Spec.Replicas ?? 1) - RolloutMath.MaxUnavailable(d);
        var availableNow = Sum(all, rs => rs.Status?.AvailableReplicas ?? 0);
        if (availableNow <= minAvailable) return;
        var total = availableNow - minAvailable;
        var scaled = 0;
        foreach (var rs in old)
        {
            if (scaled >= total) break;
            if (Replicas(rs) == 0) continue;
            var count = Math.Min(Replicas(rs), total - scaled);
            Scale(d, rs, Replicas(rs) - count);
            scaled += count;
        }
    }

    /// <summary>k8s cleanupDeployment: old ReplicaSets beyond revisionHistoryLimit, lowest revision first, if
    /// they have no replicas left.</summary>
    private void CleanUp(V1Deployment d, List<V1ReplicaSet> old)
    {
        var limit = d.Spec.RevisionHistoryLimit ?? 10;
        var diff = old.Count - limit;
        if (diff <= 0) return;
        foreach (var rs in old.OrderBy(Revision).ThenBy(rs => rs.Metadata.Name, StringComparer.Ordinal).Take(diff))
        {
            if ((rs.Status?.Replicas ?? 0) != 0 || Replicas(rs) != 0 || (rs.Metadata.Generation ?? 0) > (rs.Status?.ObservedGeneration ?? 0)) continue;
            if (OwnedPods(rs.Metadata.Uid).Count > 0) continue;
            try { Store.Delete(ObjectKey.Of(rs), new DeleteOptions(Uid: rs.Metadata.Uid)); }
            catch (Exception e) when (e is StoreNotFoundException or StoreConflictException) { /* gone meanwhile */ }
        }
    }

    /// <summary>The ReplicaSet of the current template becomes the newest revision (a rollback to an old
    /// template reuses its ReplicaSet, k8s SetNewReplicaSetAnnotations).</summary>
    private void AdoptAsNew(V1Deployment d, V1ReplicaSet newRs, List<V1ReplicaSet> old, List<V1DeploymentCondition> conditions, DateTime now)
    {
        var next = old.Count == 0 ? 1 : old.Max(Revision) + 1;
        if (Revision(newRs) < next)
        {
            var text = next.ToString(CultureInfo.InvariantCulture);
            Store.Mutate<V1ReplicaSet>(ObjectKey.Of(newRs), rs =>
            {
                rs.Metadata.Annotations ??= new Dictionary<string, string>();
                rs.Metadata.Annotations[RevisionAnnotation] = text;
                return true;
            });
            newRs.Metadata.Annotations ??= new Dictionary<string, string>();
            newRs.Metadata.Annotations[RevisionAnnotation] = text;
        }
        if (newRs.Spec.MinReadySeconds != d.Spec.MinReadySeconds)
        {
            Store.Mutate<V1ReplicaSet>(ObjectKey.Of(newRs), rs =>
            {
                rs.Spec.MinReadySeconds = d.Spec.MinReadySeconds;
                return true;
            });
        }
        if (HasDeadline(d) && Get(conditions, Progressing) is null)
            Set(conditions, New(Progressing, "True", FoundNewReplicaSet, $"Found new replica set \"{newRs.Metadata.Name}\"", now));
    }

    private V1ReplicaSet? Create(V1Deployment d, string hash, int replicas, List<V1ReplicaSet> old, List<V1DeploymentCondition> conditions,
        DateTime now, ref int? collisions, out TimeSpan? again)
    {
        again = null;
        var name = $"{d.Metadata.Name}-{hash}";
        if (Store.Get(Kinds.ReplicaSet.Kind, name, d.Metadata.NamespaceProperty ?? ObjectKey.DefaultNamespace) is not null)
        {
            // k8s: a ReplicaSet of that name that is not ours is a hash collision; the next hash differs.
            collisions = (collisions ?? 0) + 1;
            again = TimeSpan.Zero;
            return null;
        }
        var template = PodTemplates.Clone(d.Spec.Template);
        template.Metadata ??= new V1ObjectMeta();
        template.Metadata.Labels = new Dictionary<string, string>(template.Metadata.Labels ?? new Dictionary<string, string>()) { [PodTemplateHashLabel] = hash };
        var selector = PodTemplates.Clone(d.Spec.Selector);
        selector.MatchLabels = new Dictionary<string, string>(selector.MatchLabels ?? new Dictionary<string, string>()) { [PodTemplateHashLabel] = hash };
        var revision = (old.Count == 0 ? 1 : old.Max(Revision) + 1).ToString(CultureInfo.InvariantCulture);
        var rs = new V1ReplicaSet
        {
            ApiVersion = Kinds.ReplicaSet.ApiVersion,
            Kind = Kinds.ReplicaSet.Kind,
            Metadata = new V1ObjectMeta
            {
                Name = name,
                NamespaceProperty = d.Metadata.NamespaceProperty ?? ObjectKey.DefaultNamespace,
                Labels = new Dictionary<string, string>(template.Metadata.Labels),
                Annotations = new Dictionary<string, string>
                {
                    [RevisionAnnotation] = revision,
                    [DesiredReplicasAnnotation] = (d.Spec.Replicas ?? 1).ToString(CultureInfo.InvariantCulture),
                    [MaxReplicasAnnotation] = ((d.Spec.Replicas ?? 1) + RolloutMath.MaxSurge(d)).ToString(CultureInfo.InvariantCulture),
                },
                OwnerReferences = [PodTemplates.OwnerReference(d)],
            },
            Spec = new V1ReplicaSetSpec { Replicas = replicas, MinReadySeconds = d.Spec.MinReadySeconds, Selector = selector, Template = template },
        };
        // A revision: durable at once, so that `rollout history` and `undo` know it after a restart.
        rs = Store.Create(rs, PodControl.ControllerSource).Copy<V1ReplicaSet>();
        if (replicas > 0) Record(d.Metadata, SupEvent.Normal, "ScalingReplicaSet", $"Scaled up replica set {name} from 0 to {replicas}");
        if (HasDeadline(d)) Set(conditions, New(Progressing, "True", NewReplicaSetCreated, $"Created new replica set \"{name}\"", now));
        return rs;
    }

    private void Scale(V1Deployment d, V1ReplicaSet rs, int replicas)
    {
        var from = Replicas(rs);
        if (from == replicas) return;
        var desired = (d.Spec.Replicas ?? 1).ToString(CultureInfo.InvariantCulture);
        var max = ((d.Spec.Replicas ?? 1) + RolloutMath.MaxSurge(d)).ToString(CultureInfo.InvariantCulture);
        Store.Mutate<V1ReplicaSet>(ObjectKey.Of(rs), latest =>
        {
            latest.Spec.Replicas = replicas;
            latest.Metadata.Annotations ??= new Dictionary<string, string>();
            latest.Metadata.Annotations[DesiredReplicasAnnotation] = desired;
            latest.Metadata.Annotations[MaxReplicasAnnotation] = max;
            return true;
        });
        rs.Spec.Replicas = replicas;
        rs.Metadata.Generation = (rs.Metadata.Generation ?? 1) + 1;
        Record(d.Metadata, SupEvent.Normal, "ScalingReplicaSet", $"Scaled {(replicas > from ? "up" : "down")} replica set {rs.Metadata.Name} from {from} to {replicas}");
    }

    private List<V1ReplicaSet> ReplicaSetsOf(string uid) =>
        Store.ListOwned(Kinds.ReplicaSet.Kind, uid)
            .Where(o => o.Object.Metadata.OwnerReferences?.Any(r => r.Controller == true && r.Uid == uid) == true)
            .Select(o => o.Copy<V1ReplicaSet>())
            .ToList();

    private static string? HashOf(V1ReplicaSet rs) => rs.Metadata.Labels is { } labels && labels.TryGetValue(PodTemplateHashLabel, out var h) ? h : null;

    public static long Revision(V1ReplicaSet rs) =>
        rs.Metadata.Annotations?.TryGetValue(RevisionAnnotation, out var v) == true && long.TryParse(v, CultureInfo.InvariantCulture, out var r) ? r : 0;

    private static int Replicas(V1ReplicaSet rs) => rs.Spec.Replicas ?? 1;

    private static DateTime Created(V1ReplicaSet rs) => rs.Metadata.CreationTimestamp ?? DateTime.MinValue;

    private static int Sum(IEnumerable<V1ReplicaSet> sets, Func<V1ReplicaSet, int> value) => sets.Sum(value);
}

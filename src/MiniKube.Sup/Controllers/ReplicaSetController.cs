using k8s.Models;
using MiniKube.Sup.Events;
using MiniKube.Sup.Spec;
using MiniKube.Sup.Store;

namespace MiniKube.Sup.Controllers;

/// <summary>
/// A ReplicaSet keeps spec.replicas active pods of its template, named <c>&lt;rs&gt;-&lt;5 random&gt;</c>
/// (k8s generateName). Extra pods go in upstream's order (<see cref="PodDeletionOrder"/>: not ready and newest
/// first); terminating pods do not count, as upstream; a failed pod is deleted and replaced. ReplicaSets here are
/// a Deployment's revisions: the Deployment controller creates and scales them.
/// </summary>
public sealed class ReplicaSetController(ControllerContext context) : Controller(context)
{
    public override string Kind => Kinds.ReplicaSet.Kind;

    public override Task<TimeSpan?> ReconcileAsync(string queueKey, CancellationToken cancel)
    {
        var key = KeyOf(queueKey);
        if (Store.Get(key)?.Object is not V1ReplicaSet rs) return Task.FromResult<TimeSpan?>(null);
        var replicas = rs.Spec.Replicas ?? 1;
        var pods = OwnedPods(rs.Metadata.Uid);

        // k8s leaves failed pods to the pod GC; on one host they would only hold a pod IP: delete and replace them.
        foreach (var failed in pods.Where(p => !PodState.IsTerminating(p) && PodState.IsTerminal(p)))
        {
            Pods.Delete(failed);
            Record(rs.Metadata, SupEvent.Normal, "SuccessfulDelete", $"Deleted pod: {failed.Metadata.Name}");
        }
        var active = pods.Where(PodState.IsActive).ToList();
        var now = Time.GetUtcNow();
        if (active.Count < replicas)
        {
            for (var i = active.Count; i < replicas; i++)
            {
                var pod = PodTemplates.NewPod(rs.Spec.Template, $"{rs.Metadata.Name}-{PodTemplates.RandomSuffix()}", rs);
                if (Pods.Create(pod)) Record(rs.Metadata, SupEvent.Normal, "SuccessfulCreate", $"Created pod: {pod.Metadata.Name}");
            }
        }
        else if (active.Count > replicas)
        {
            foreach (var victim in PodDeletionOrder.ToDelete(active, active.Count - replicas, now))
            {
                Pods.Delete(victim);
                Record(rs.Metadata, SupEvent.Normal, "SuccessfulDelete", $"Deleted pod: {victim.Metadata.Name}");
            }
        }

        var minReady = rs.Spec.MinReadySeconds ?? 0;
        var live = OwnedPods(rs.Metadata.Uid).Where(PodState.IsActive).ToList();
        var status = new V1ReplicaSetStatus
        {
            Replicas = live.Count,
            FullyLabeledReplicas = live.Count,
            ReadyReplicas = live.Count(PodState.IsReady),
            AvailableReplicas = live.Count(p => PodState.IsAvailable(p, minReady, now)),
            ObservedGeneration = rs.Metadata.Generation,
        };
        // Derived from the pods at every look: written Soon (a restart computes it again).
        Store.MutateStatus<V1ReplicaSet>(key, latest =>
        {
            if (latest.Metadata.Uid != rs.Metadata.Uid) return false;
            latest.Status = status;
            return true;
        }, Durability.Soon);
        TimeSpan? again = null;
        foreach (var p in live)
            if (PodState.UntilAvailable(p, minReady, now) is { } wait && (again is null || wait < again)) again = wait;
        return Task.FromResult(again);
    }
}

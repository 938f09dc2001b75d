using k8s.Models;
using MiniKube.Sup.Spec;
using MiniKube.Sup.Store;

namespace MiniKube.Sup.Controllers;

/// <summary>
/// A ReplicaSet keeps spec.replicas active pods of its template (<see cref="ReplicaKeeper"/>). ReplicaSets are a
/// Deployment's revisions (the Deployment controller creates and scales them) or a manifest's own.
/// </summary>
public sealed class ReplicaSetController(ControllerContext context) : ReplicaKeeper(context)
{
    public override string Kind => Kinds.ReplicaSet.Kind;

    public override Task<TimeSpan?> ReconcileAsync(string queueKey, CancellationToken cancel)
    {
        var key = KeyOf(queueKey);
        if (Store.Get(key)?.Object is not V1ReplicaSet rs) return Task.FromResult<TimeSpan?>(null);
        var kept = Keep(rs, rs.Spec.Replicas ?? 1, rs.Spec.Template, rs.Spec.MinReadySeconds ?? 0);
        var status = new V1ReplicaSetStatus
        {
            Replicas = kept.Live,
            FullyLabeledReplicas = kept.Live,
            ReadyReplicas = kept.Ready,
            AvailableReplicas = kept.Available,
            ObservedGeneration = rs.Metadata.Generation,
        };
        // Derived from the pods at every look: written Soon (a restart computes it again).
        Store.MutateStatus<V1ReplicaSet>(key, latest =>
        {
            if (latest.Metadata.Uid != rs.Metadata.Uid) return false;
            latest.Status = status;
            return true;
        }, Durability.Soon);
        return Task.FromResult(kept.Again);
    }
}

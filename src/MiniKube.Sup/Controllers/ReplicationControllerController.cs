using k8s.Models;
using MiniKube.Sup.Spec;
using MiniKube.Sup.Store;

namespace MiniKube.Sup.Controllers;

/// <summary>
/// A ReplicationController (core/v1, the ReplicaSet's predecessor that older manifests and the documentation still
/// use) keeps spec.replicas active pods of its template, exactly as a ReplicaSet does (<see cref="ReplicaKeeper"/>;
/// k8s runs both with one controller); its selector is a plain label map.
/// </summary>
public sealed class ReplicationControllerController(ControllerContext context) : ReplicaKeeper(context)
{
    public override string Kind => Kinds.ReplicationController.Kind;

    public override Task<TimeSpan?> ReconcileAsync(string queueKey, CancellationToken cancel)
    {
        var key = KeyOf(queueKey);
        if (Store.Get(key)?.Object is not V1ReplicationController rc || rc.Spec.Template is not { } template) return Task.FromResult<TimeSpan?>(null);
        var kept = Keep(rc, rc.Spec.Replicas ?? 1, template, rc.Spec.MinReadySeconds ?? 0);
        var status = new V1ReplicationControllerStatus
        {
            Replicas = kept.Live,
            FullyLabeledReplicas = kept.Live,
            ReadyReplicas = kept.Ready,
            AvailableReplicas = kept.Available,
            ObservedGeneration = rc.Metadata.Generation,
        };
        Store.MutateStatus<V1ReplicationController>(key, latest =>
        {
            if (latest.Metadata.Uid != rc.Metadata.Uid) return false;
            latest.Status = status;
            return true;
        }, Durability.Soon);
        return Task.FromResult(kept.Again);
    }
}

using k8s;
using k8s.Models;
using MiniKube.Sup.Events;

namespace MiniKube.Sup.Controllers;

/// <summary>
/// What a ReplicaSet and a ReplicationController share: spec.replicas active pods of the template, named
/// <c>&lt;owner&gt;-&lt;5 random&gt;</c> (k8s generateName). Extra pods go in upstream's order
/// (<see cref="PodDeletionOrder"/>: not ready and newest first); terminating pods do not count, as upstream; a failed
/// pod is deleted and replaced.
/// </summary>
public abstract class ReplicaKeeper(ControllerContext context) : Controller(context)
{
    /// <summary>The pods <paramref name="owner"/> keeps, counted after this look's creations and deletions.</summary>
    protected sealed record Replicas(int Live, int Ready, int Available, TimeSpan? Again);

    protected Replicas Keep(IKubernetesObject<V1ObjectMeta> owner, int replicas, V1PodTemplateSpec template, int minReady)
    {
        var meta = owner.Metadata;
        var pods = OwnedPods(meta.Uid);

        // k8s leaves failed pods to the pod GC; on one host they would only hold a pod IP: delete and replace them.
        foreach (var failed in pods.Where(p => !PodState.IsTerminating(p) && PodState.IsTerminal(p)))
        {
            Pods.Delete(failed);
            Record(meta, SupEvent.Normal, "SuccessfulDelete", $"Deleted pod: {failed.Metadata.Name}");
        }
        var active = pods.Where(PodState.IsActive).ToList();
        var now = Time.GetUtcNow();
        if (active.Count < replicas)
        {
            for (var i = active.Count; i < replicas; i++)
            {
                var pod = PodTemplates.NewPod(template, $"{meta.Name}-{PodTemplates.RandomSuffix()}", owner);
                if (Pods.Create(pod)) Record(meta, SupEvent.Normal, "SuccessfulCreate", $"Created pod: {pod.Metadata.Name}");
            }
        }
        else if (active.Count > replicas)
        {
            foreach (var victim in PodDeletionOrder.ToDelete(active, active.Count - replicas, now))
            {
                Pods.Delete(victim);
                Record(meta, SupEvent.Normal, "SuccessfulDelete", $"Deleted pod: {victim.Metadata.Name}");
            }
        }

        var live = OwnedPods(meta.Uid).Where(PodState.IsActive).ToList();
        TimeSpan? again = null;
        foreach (var p in live)
            if (PodState.UntilAvailable(p, minReady, now) is { } wait && (again is null || wait < again)) again = wait;
        return new Replicas(live.Count, live.Count(PodState.IsReady), live.Count(p => PodState.IsAvailable(p, minReady, now)), again);
    }
}

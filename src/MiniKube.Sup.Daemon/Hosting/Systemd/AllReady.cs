using k8s.Models;
using MiniKube.Sup.Spec;
using MiniKube.Sup.Store;

namespace MiniKube.Sup.Daemon.Hosting.Systemd;

/// <summary>
/// `--ready-when all-ready`: what `kubectl wait --for=condition=Ready pod --all` and `kubectl rollout status` on
/// every workload would both accept. Every pod is Ready, except the pods of Jobs (a Job's pod runs to completion and
/// is never waited for), pods that have Succeeded (done, as a Job's) and pods being deleted; and every
/// Deployment, ReplicaSet, ReplicationController and StatefulSet has observed its spec and has as many ready
/// replicas as it asks for, every DaemonSet as many ready pods as it schedules (so that a workload whose pods its
/// controller has not created yet does not count as ready). A pod that Failed (outside a Job) is not ready: the
/// daemon never says READY=1 while one is there.
/// </summary>
internal static class AllReady
{
    public static bool Check(ObjectStore store)
    {
        var pods = store.List(Kinds.Pod.Kind).Select(o => o.As<V1Pod>());
        if (!pods.All(p => !IsWaitedFor(p) || PodCounts.IsReady(p))) return false;
        return store.List(Kinds.Deployment.Kind).Select(o => o.As<V1Deployment>()).All(d => Replicas(d.Metadata, d.Spec?.Replicas, d.Status?.ObservedGeneration, d.Status?.ReadyReplicas))
            && store.List(Kinds.ReplicaSet.Kind).Select(o => o.As<V1ReplicaSet>()).All(r => Replicas(r.Metadata, r.Spec?.Replicas, r.Status?.ObservedGeneration, r.Status?.ReadyReplicas))
            && store.List(Kinds.ReplicationController.Kind).Select(o => o.As<V1ReplicationController>()).All(r => Replicas(r.Metadata, r.Spec?.Replicas, r.Status?.ObservedGeneration, r.Status?.ReadyReplicas))
            && store.List(Kinds.StatefulSet.Kind).Select(o => o.As<V1StatefulSet>()).All(s => Replicas(s.Metadata, s.Spec?.Replicas, s.Status?.ObservedGeneration, s.Status?.ReadyReplicas))
            && store.List(Kinds.DaemonSet.Kind).Select(o => o.As<V1DaemonSet>()).All(d =>
                d.Metadata.DeletionTimestamp is not null
                || (d.Status?.ObservedGeneration >= d.Metadata.Generation && d.Status.NumberReady >= d.Status.DesiredNumberScheduled));
    }

    /// <summary>Whether the pod must be Ready: not a Job's, not done, not being deleted.</summary>
    public static bool IsWaitedFor(V1Pod pod) =>
        pod.Metadata.DeletionTimestamp is null
        && pod.Status?.Phase != "Succeeded"
        && pod.Metadata.OwnerReferences?.Any(o => o.Kind == Kinds.Job.Kind) != true;

    // k8s: spec.replicas defaults to 1.
    private static bool Replicas(V1ObjectMeta meta, int? replicas, long? observedGeneration, int? ready) =>
        meta.DeletionTimestamp is not null || (observedGeneration >= (meta.Generation ?? 0) && (ready ?? 0) >= (replicas ?? 1));
}

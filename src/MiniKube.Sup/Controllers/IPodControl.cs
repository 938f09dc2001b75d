using k8s.Models;

namespace MiniKube.Sup.Controllers;

/// <summary>What a controller may do with pods: read them, create pod objects and delete them. It never touches a
/// process: the pod agent runs what is created here (k8s: controllers write pods, the kubelet runs them).</summary>
public interface IPodControl
{
    /// <summary>Every pod, terminating ones included (their deletionTimestamp is set).</summary>
    IReadOnlyList<V1Pod> List();

    /// <summary>The pods that name <paramref name="ownerUid"/> among their owners (an index, not a scan).</summary>
    IReadOnlyList<V1Pod> Owned(string? ownerUid);

    V1Pod? Get(string ns, string name);

    /// <summary>Creates the pod object. Idempotent: a pod of that name that already exists is left alone and false is
    /// returned (names are deterministic, so a repeated reconcile creates nothing twice).</summary>
    bool Create(V1Pod pod);

    /// <summary>Starts the pod's graceful deletion (grace: the pod's own unless given); it is listed, terminating, until
    /// its processes are gone.</summary>
    void Delete(V1Pod pod, TimeSpan? grace = null);
}

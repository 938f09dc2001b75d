using k8s.Models;
using MiniKube.Sup.Spec;
using MiniKube.Sup.Store;

namespace MiniKube.Sup.Controllers;

/// <summary>Pod control over the store. Pods made by controllers are written <see cref="Durability.Soon"/>: their owner
/// is durable, and after a crash the controller makes again what the disk did not get.</summary>
public sealed class PodControl(ObjectStore store) : IPodControl
{
    public const string ControllerSource = "controller";

    public IReadOnlyList<V1Pod> List() => store.List(Kinds.Pod.Kind).Select(o => o.As<V1Pod>()).ToList();

    public IReadOnlyList<V1Pod> Owned(string? ownerUid) => store.ListOwned(Kinds.Pod.Kind, ownerUid).Select(o => o.As<V1Pod>()).ToList();

    public V1Pod? Get(string ns, string name) => store.Get(Kinds.Pod.Kind, name, ns)?.As<V1Pod>();

    public bool Create(V1Pod pod)
    {
        try
        {
            store.Create(pod, ControllerSource, Durability.Soon);
            return true;
        }
        catch (StoreConflictException e) when (e.Reason == StoreConflictReason.AlreadyExists) { return false; }
    }

    public void Delete(V1Pod pod, TimeSpan? grace = null)
    {
        try { store.Delete(ObjectKey.Of(pod), new DeleteOptions(GracePeriodSeconds: grace is { } g ? (long)g.TotalSeconds : null), Durability.Soon); }
        catch (StoreNotFoundException) { /* gone already */ }
    }
}

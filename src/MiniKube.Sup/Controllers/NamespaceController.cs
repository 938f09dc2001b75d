using k8s.Models;
using MiniKube.Sup.Spec;
using MiniKube.Sup.Store;

namespace MiniKube.Sup.Controllers;

/// <summary>
/// Namespaces (k8s namespace lifecycle and the namespace controller): a Namespace is <c>Active</c>; once deleted it is
/// <c>Terminating</c> (the store keeps it, its deletionTimestamp set), everything in it is deleted (pods gracefully,
/// their owners' cascade through the garbage collector), and when nothing but Events is left they go and so does the
/// Namespace. Desired state refuses new objects in a terminating namespace meanwhile.
/// </summary>
public sealed class NamespaceController(ControllerContext context) : Controller(context)
{
    public const string Active = "Active";
    public const string Terminating = "Terminating";

    /// <summary>How often a terminating namespace is looked at again besides the deletions that wake it.</summary>
    private static readonly TimeSpan Recheck = TimeSpan.FromSeconds(1);

    public override string Kind => Kinds.Namespace.Kind;

    /// <summary>A Namespace's own changes, and every deletion inside a terminating one (it may be empty now).</summary>
    public override IEnumerable<string> KeysFor(ObjectEvent change)
    {
        if (change.Kind == Kind) yield return change.Object.Metadata.Name;
        else if (change.Type == ObjectEvent.Deleted && change.Stored.Key.Namespace is { Length: > 0 } ns
            && Store.Get(new ObjectKey(Kind, ObjectKey.ClusterScope, ns))?.Object.Metadata.DeletionTimestamp is not null)
            yield return ns;
    }

    public override Task<TimeSpan?> ReconcileAsync(string queueKey, CancellationToken cancel)
    {
        var key = KeyOf(queueKey);
        if (Store.Get(key)?.Object is not V1Namespace ns) return Task.FromResult<TimeSpan?>(null);
        if (ns.Metadata.DeletionTimestamp is null)
        {
            SetPhase(key, ns, Active);
            return Task.FromResult<TimeSpan?>(null);
        }
        SetPhase(key, ns, Terminating);
        var left = Store.ListNamespace(key.Name).Where(o => o.Kind != Kinds.Event.Kind).ToList();
        foreach (var obj in left.Where(o => o.Object.Metadata.DeletionTimestamp is null))
        {
            try { Store.Delete(obj.Key, new DeleteOptions(Uid: obj.Uid)); }
            catch (Exception e) when (e is StoreNotFoundException or StoreConflictException) { /* gone or replaced meanwhile */ }
        }
        if (left.Count > 0) return Task.FromResult<TimeSpan?>(Recheck);
        foreach (var e in Store.ListNamespace(key.Name)) Store.Remove(e.Key, e.Uid);
        Store.Remove(key, ns.Metadata.Uid);
        return Task.FromResult<TimeSpan?>(null);
    }

    private void SetPhase(ObjectKey key, V1Namespace ns, string phase)
    {
        if (ns.Status?.Phase == phase) return;
        Store.MutateStatus<V1Namespace>(key, latest =>
        {
            if (latest.Metadata.Uid != ns.Metadata.Uid || latest.Status?.Phase == phase) return false;
            latest.Status = new V1NamespaceStatus { Phase = phase };
            return true;
        });
    }
}

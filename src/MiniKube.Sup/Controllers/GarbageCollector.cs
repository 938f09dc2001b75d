using k8s.Models;
using Microsoft.Extensions.Logging;
using MiniKube.Sup.Spec;
using MiniKube.Sup.Store;

namespace MiniKube.Sup.Controllers;

/// <summary>
/// k8s garbage collector, background cascade: when an object is deleted, every object that names it as its owner
/// is deleted too (pods gracefully; a CronJob's Jobs, which cascade in turn to their pods); an object whose owners
/// are all gone (deleted while the daemon was down, or raced) is deleted when it is seen. Works from its own
/// subscription; ownership is looked up in the store's owner index, never by a scan.
/// </summary>
public sealed partial class GarbageCollector(ObjectStore store, ILogger logger) : IAsyncDisposable
{
    private StoreSubscription? _subscription;

    public StoreSubscription? Subscription => _subscription;

    public void Start() =>
        // Events own nothing and are owned by nothing.
        _subscription ??= store.Subscribe("garbage collector", kind => kind != Kinds.Event.Kind, OnChanged, logger);

    private void OnChanged(ObjectEvent change)
    {
        if (change.Type == ObjectEvent.Deleted)
        {
            if (change.Object.Metadata.Uid is { } uid)
                foreach (var dependent in store.ListDependents(uid))
                    if (AllOwnersGone(dependent.Object.Metadata)) Collect(dependent);
            return;
        }
        if (change.Object.Metadata.OwnerReferences is { Count: > 0 } && AllOwnersGone(change.Object.Metadata)) Collect(change.Stored);
    }

    private bool AllOwnersGone(V1ObjectMeta meta) =>
        meta.OwnerReferences?.All(r => r.Uid is null || store.GetByUid(r.Uid) is null) == true;

    private void Collect(StoredObject dependent)
    {
        if (dependent.Object.Metadata.DeletionTimestamp is not null) return;
        try
        {
            store.Delete(dependent.Key, new DeleteOptions(Uid: dependent.Uid), dependent.Kind == Kinds.Pod.Kind ? Durability.Soon : Durability.Now);
            LogCollected(logger, dependent.Kind, dependent.Name);
        }
        catch (Exception e) when (e is StoreNotFoundException or StoreConflictException) { /* gone or replaced meanwhile */ }
    }

    public async ValueTask DisposeAsync()
    {
        if (_subscription is not null) await _subscription.DisposeAsync().ConfigureAwait(false);
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "garbage collector: deleted {Kind}/{Name}, whose owners are gone")]
    private static partial void LogCollected(ILogger logger, string kind, string name);
}

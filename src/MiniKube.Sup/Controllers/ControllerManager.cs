using MiniKube.Sup.Api;

namespace MiniKube.Sup.Controllers;

/// <summary>
/// Runs the controllers: every change in the repository is turned into work for the controllers it concerns,
/// and an object that is deleted takes what it owns with it (k8s: the garbage collector's background cascade —
/// owned pods are deleted gracefully, owned objects such as a CronJob's Jobs are removed and cascade in turn).
/// </summary>
public sealed class ControllerManager : IAsyncDisposable
{
    private readonly ControllerContext _context;
    private readonly IReadOnlyList<Controller> _controllers;
    private bool _started;
    private bool _disposed;

    public ControllerManager(ControllerContext context, IReadOnlyList<Controller> controllers)
    {
        _context = context;
        _controllers = controllers;
    }

    public IReadOnlyList<Controller> Controllers => _controllers;

    public T? Get<T>() where T : Controller => _controllers.OfType<T>().FirstOrDefault();

    public void Start()
    {
        if (_started) return;
        _started = true;
        _context.Repository.Changed += OnChanged;
        foreach (var c in _controllers) c.Start();
    }

    private void OnChanged(WatchEvent change)
    {
        // Pods and Events own nothing: an Event is removed for every one recorded past the log's cap, and a
        // scan of every pod and object per removal would put that cost on the busiest path.
        if (change.Type == WatchEvent.Deleted && change.Kind is not ("Pod" or "Event")) CollectOwnedBy(change.Object.Metadata.Uid);
        foreach (var c in _controllers)
            foreach (var key in c.KeysFor(change))
                c.Enqueue(key);
    }

    private void CollectOwnedBy(string? uid)
    {
        if (uid is null) return;
        foreach (var pod in _context.Pods.List())
            if (pod.Metadata.DeletionTimestamp is null && pod.Metadata.OwnerReferences?.Any(r => r.Uid == uid) == true)
                _context.Pods.Delete(pod.Metadata.Name);
        foreach (var kind in ResourceKinds.All)
        {
            if (kind == ResourceKinds.Pod || kind == ResourceKinds.Event) continue;
            foreach (var e in _context.Repository.List(kind.Kind))
                if (e.Object.Metadata.OwnerReferences?.Any(r => r.Uid == uid) == true)
                    _context.Repository.Remove(kind.Kind, e.Object.Metadata.Name);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_disposed) return;
        _disposed = true;
        _context.Repository.Changed -= OnChanged;
        foreach (var c in _controllers) await c.DisposeAsync().ConfigureAwait(false);
    }
}

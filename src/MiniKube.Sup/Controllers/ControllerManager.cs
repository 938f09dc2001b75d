using MiniKube.Sup.Spec;
using MiniKube.Sup.Store;

namespace MiniKube.Sup.Controllers;

/// <summary>Runs the controllers: one subscription to the store turns every change into work for the controllers it
/// concerns (each controller's own queue; nothing runs on the writer's thread).</summary>
public sealed class ControllerManager : IAsyncDisposable
{
    private readonly ControllerContext _context;
    private readonly IReadOnlyList<Controller> _controllers;
    private StoreSubscription? _subscription;
    private bool _disposed;

    public ControllerManager(ControllerContext context, IReadOnlyList<Controller> controllers)
    {
        _context = context;
        _controllers = controllers;
    }

    /// <summary>The subscription that feeds the controllers (tests wait on it).</summary>
    public StoreSubscription? Subscription => _subscription;

    public void Start()
    {
        if (_subscription is not null) return;
        foreach (var c in _controllers) c.Start();
        // Events concern no controller: they are the busiest kind and would only cost a lookup each.
        _subscription = _context.Store.Subscribe("controllers", kind => kind != Kinds.Event.Kind, OnChanged, _context.Logger);
    }

    private void OnChanged(ObjectEvent change)
    {
        foreach (var c in _controllers)
            foreach (var key in c.KeysFor(change))
                c.Enqueue(key);
    }

    public async ValueTask DisposeAsync()
    {
        if (_disposed) return;
        _disposed = true;
        if (_subscription is not null) await _subscription.DisposeAsync().ConfigureAwait(false);
        foreach (var c in _controllers) await c.DisposeAsync().ConfigureAwait(false);
    }
}

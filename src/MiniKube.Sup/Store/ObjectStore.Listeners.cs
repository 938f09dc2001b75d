using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace MiniKube.Sup.Store;

/// <summary>Subscriptions (informers for the daemon's own parts) and watches (for API clients).</summary>
public sealed partial class ObjectStore
{
    /// <summary>Subscribes <paramref name="handler"/> to the objects of the kinds <paramref name="kinds"/> accepts:
    /// first every such object as ADDED, then every change, on the subscription's own task.</summary>
    public StoreSubscription Subscribe(string name, Func<string, bool> kinds, Action<ObjectEvent> handler, ILogger? logger = null)
    {
        var subscription = new StoreSubscription(this, name, kinds, handler, logger ?? _logger ?? NullLogger.Instance);
        var listener = (IStoreListener)subscription;
        lock (_memory)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var initial = 0;
            foreach (var (kind, objects) in _byKind)
            {
                if (!kinds(kind)) continue;
                foreach (var e in objects.Values.OrderBy(e => e.Current.ResourceVersion))
                {
                    listener.Offer(new ObjectEvent(ObjectEvent.Added, e.Current));
                    initial++;
                }
            }
            _listeners.Add(subscription);
            subscription.Start(initial, _rv);
        }
        return subscription;
    }

    public StoreSubscription Subscribe(string name, IReadOnlyCollection<string> kinds, Action<ObjectEvent> handler, ILogger? logger = null) =>
        Subscribe(name, kinds.Contains, handler, logger);

    /// <summary>Watches one kind (in one namespace, or all). From a resourceVersion still in the recent history it
    /// replays what came after it; from none (or 0) it starts with every current object as ADDED, as the API server
    /// does. A resourceVersion older than the history is refused, as the API server's watch cache refuses it: replaying
    /// the current objects instead would hide the deletions in between from the client.</summary>
    /// <exception cref="ResourceVersionExpiredException">the changes after <paramref name="fromResourceVersion"/> are no
    /// longer all in the history (the client lists again: HTTP 410 Expired)</exception>
    public ObjectWatch Watch(string kind, string? ns, long? fromResourceVersion)
    {
        var watch = new ObjectWatch(this, kind, ns);
        var listener = (IStoreListener)watch;
        lock (_memory)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var oldest = _history.First?.Value.ResourceVersion ?? _rv + 1;
            if (fromResourceVersion is { } old && old > 0 && old < oldest - 1)
                throw new ResourceVersionExpiredException(old, oldest - 1);
            if (fromResourceVersion is { } from && from > 0 && from <= _rv)
            {
                foreach (var e in _history)
                    if (e.ResourceVersion > from && listener.Wants(e) && !listener.Offer(e)) return watch;
            }
            else if (_byKind.TryGetValue(kind, out var objects))
            {
                foreach (var e in objects.Values.OrderBy(e => e.Current.ResourceVersion))
                {
                    var added = new ObjectEvent(ObjectEvent.Added, e.Current);
                    if (listener.Wants(added) && !listener.Offer(added)) return watch;
                }
            }
            _listeners.Add(watch);
        }
        return watch;
    }

    internal void Unsubscribe(IStoreListener listener)
    {
        lock (_memory) _listeners.Remove(listener);
    }
}

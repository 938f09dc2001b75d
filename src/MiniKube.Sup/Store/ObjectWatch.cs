using System.Threading.Channels;

namespace MiniKube.Sup.Store;

/// <summary>One API client's watch of one kind: a bounded queue of changes. A client that falls more than
/// <see cref="Capacity"/> changes behind is cut off (<see cref="Overflowed"/>; the stream ends and the client lists
/// again, as with the API server's "too old resource version") rather than silently missing changes.</summary>
public sealed class ObjectWatch : IStoreListener, IDisposable
{
    public const int Capacity = 10_000;

    private readonly ObjectStore _store;
    private readonly string _kind;
    private readonly string? _namespace;
    private readonly Channel<ObjectEvent> _channel = Channel.CreateBounded<ObjectEvent>(
        new BoundedChannelOptions(Capacity) { FullMode = BoundedChannelFullMode.Wait, SingleReader = true });

    internal ObjectWatch(ObjectStore store, string kind, string? ns)
    {
        _store = store;
        _kind = kind;
        _namespace = ns;
    }

    public ChannelReader<ObjectEvent> Events => _channel.Reader;

    /// <summary>True when the watch was ended because its client did not keep up.</summary>
    public bool Overflowed { get; private set; }

    bool IStoreListener.Wants(ObjectEvent e) => e.Kind == _kind && (_namespace is null || e.Key.Namespace == _namespace);

    bool IStoreListener.Offer(ObjectEvent e)
    {
        if (_channel.Writer.TryWrite(e)) return true;
        Overflowed = true;
        _channel.Writer.TryComplete();
        return false;
    }

    void IStoreListener.Close() => _channel.Writer.TryComplete();

    public void Dispose()
    {
        _store.Unsubscribe(this);
        _channel.Writer.TryComplete();
    }
}

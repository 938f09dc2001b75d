using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace MiniKube.Sup.Store;

/// <summary>
/// An informer: one subscriber's own queue of changes, taken off by a task of its own, in version order (first the
/// objects there were when it subscribed, as ADDED; then every change). The handler runs on that task, never on a
/// writer's thread: a slow handler delays only itself, and one that throws is logged and goes on with the next change.
/// </summary>
public sealed partial class StoreSubscription : IStoreListener, IAsyncDisposable
{
    private readonly ObjectStore _store;
    private readonly Func<string, bool> _kinds;
    private readonly Action<ObjectEvent> _handler;
    private readonly ILogger _logger;
    private readonly Channel<ObjectEvent> _queue = Channel.CreateUnbounded<ObjectEvent>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Lock _gate = new();
    private readonly List<(long ResourceVersion, TaskCompletionSource Done)> _waiters = [];
    private long _handled;
    private Task _loop = Task.CompletedTask;

    internal StoreSubscription(ObjectStore store, string name, Func<string, bool> kinds, Action<ObjectEvent> handler, ILogger logger)
    {
        _store = store;
        Name = name;
        _kinds = kinds;
        _handler = handler;
        _logger = logger;
    }

    public string Name { get; }

    /// <summary>Starts handling: the first <paramref name="initial"/> queued changes are the objects there were when
    /// it subscribed, at <paramref name="syncedAt"/>.</summary>
    internal void Start(int initial, long syncedAt)
    {
        _initial = initial;
        _synced = syncedAt;
        if (initial == 0) Handled(syncedAt);
        _loop = Task.Run(RunAsync);
    }

    private int _initial;
    private long _synced;

    bool IStoreListener.Wants(ObjectEvent e) => _kinds(e.Kind);

    bool IStoreListener.Offer(ObjectEvent e) => _queue.Writer.TryWrite(e);

    void IStoreListener.Close() => _queue.Writer.TryComplete();

    /// <summary>Completes once every change up to <paramref name="resourceVersion"/> has been handled (tests, and
    /// callers that must know a subscriber has seen a write).</summary>
    public Task WaitForAsync(long resourceVersion)
    {
        lock (_gate)
        {
            if (_handled >= resourceVersion || _queue.Reader.Completion.IsCompleted) return Task.CompletedTask;
            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((resourceVersion, done));
            return done.Task;
        }
    }

    /// <summary>Completes once everything the store holds now has been handled.</summary>
    public Task IdleAsync() => WaitForAsync(_store.ResourceVersion);

    private async Task RunAsync()
    {
        await foreach (var e in _queue.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            try { _handler(e); }
            catch (Exception ex) { LogHandlerFailed(_logger, ex, Name, e.Type, e.Key.ToString()); }
            // The initial list comes in key order, not version order: it counts as handled once all of it is.
            if (_initial > 0) { if (--_initial == 0) Handled(_synced); }
            else Handled(e.ResourceVersion);
        }
        Handled(long.MaxValue);
    }

    private void Handled(long resourceVersion)
    {
        List<TaskCompletionSource>? done = null;
        lock (_gate)
        {
            if (resourceVersion > _handled) _handled = resourceVersion;
            for (var i = _waiters.Count - 1; i >= 0; i--)
            {
                if (_waiters[i].ResourceVersion > _handled) continue;
                (done ??= []).Add(_waiters[i].Done);
                _waiters.RemoveAt(i);
            }
        }
        foreach (var d in done ?? []) d.TrySetResult();
    }

    public async ValueTask DisposeAsync()
    {
        _store.Unsubscribe(this);
        _queue.Writer.TryComplete();
        await _loop.ConfigureAwait(false);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "{Subscriber}: handling {Type} {Key} failed; going on with the next change")]
    private static partial void LogHandlerFailed(ILogger logger, Exception e, string subscriber, string type, string key);
}

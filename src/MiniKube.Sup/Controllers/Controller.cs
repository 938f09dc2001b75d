using System.Threading.Channels;
using k8s.Models;
using Microsoft.Extensions.Logging;
using MiniKube.Sup.Api;

namespace MiniKube.Sup.Controllers;

/// <summary>
/// A reconciler of one kind, as Kubernetes controllers are built: changes only enqueue the object's name; one loop
/// takes names off the queue (each name once however often it was enqueued) and compares desired with actual;
/// a reconcile may ask to run again after a delay (timed work: deadlines, minReadySeconds, schedules).
/// Reconciles of different objects run one after another, so a controller needs no locks of its own.
/// </summary>
public abstract partial class Controller : IAsyncDisposable
{
    private readonly Channel<string> _queue = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true });
    private readonly HashSet<string> _queued = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private readonly CancellationTokenSource _stop = new();
    private Task _loop = Task.CompletedTask;

    protected Controller(ControllerContext context)
    {
        Context = context;
    }

    /// <summary>Raised after each reconcile, once its requeue (if any) is armed: tests advance a fake clock only
    /// after it, so that the timer they expect to fire exists.</summary>
    public event Action<string>? Reconciled;

    /// <summary>The kind this controller owns (its objects' names are the queue's keys).</summary>
    public abstract string Kind { get; }

    protected ControllerContext Context { get; }

    protected TimeProvider Time => Context.Time;

    protected ObjectRepository Repository => Context.Repository;

    protected IPodControl Pods => Context.Pods;

    /// <summary>Compares desired with actual for one object and acts. Returns when to look again, if a timed
    /// condition is pending (null: only a change wakes it).</summary>
    public abstract Task<TimeSpan?> ReconcileAsync(string name, CancellationToken cancel);

    /// <summary>Which of this controller's objects a change concerns. By default: the object itself when it is
    /// of <see cref="Kind"/>, and the controlling owner of a pod.</summary>
    public virtual IEnumerable<string> KeysFor(WatchEvent change)
    {
        if (change.Kind == Kind) yield return change.Object.Metadata.Name;
        else if (change.Kind == "Pod" && OwnerName(change.Object.Metadata, Kind) is { } owner) yield return owner;
    }

    public void Start()
    {
        _loop = Task.Run(RunAsync);
        foreach (var e in Repository.List(Kind)) Enqueue(e.Object.Metadata.Name);
    }

    public void Enqueue(string name)
    {
        lock (_gate)
            if (!_queued.Add(name)) return;
        _queue.Writer.TryWrite(name);
    }

    public void EnqueueAfter(string name, TimeSpan delay)
    {
        if (delay <= TimeSpan.Zero)
        {
            Enqueue(name);
            return;
        }
        _ = Task.Delay(delay, Time, _stop.Token).ContinueWith(
            t => { if (!t.IsCanceled) Enqueue(name); }, TaskScheduler.Default);
    }

    private async Task RunAsync()
    {
        try
        {
            await foreach (var name in _queue.Reader.ReadAllAsync(_stop.Token).ConfigureAwait(false))
            {
                lock (_gate) _queued.Remove(name);
                TimeSpan? again;
                try { again = await ReconcileAsync(name, _stop.Token).ConfigureAwait(false); }
                catch (OperationCanceledException) when (_stop.IsCancellationRequested) { return; }
                catch (Exception e)
                {
                    // k8s: a failed sync is requeued with backoff; one second is enough here (nothing remote fails).
                    LogReconcileFailed(Context.Logger, e, Kind, name);
                    again = TimeSpan.FromSeconds(1);
                }
                if (again is { } delay) EnqueueAfter(name, delay);
                Reconciled?.Invoke(name);
            }
        }
        catch (OperationCanceledException) { }
    }

    /// <summary>Records an event about one of this controller's objects.</summary>
    protected void Record(V1ObjectMeta obj, string type, string reason, string message) =>
        Context.Events.Record(new Events.SupEvent(Time.GetUtcNow(), Kind, obj.Name, type, reason, message, null, obj.Uid));

    /// <summary>The name of the object of <paramref name="kind"/> that controls this one, if any.</summary>
    public static string? OwnerName(V1ObjectMeta meta, string kind) =>
        meta.OwnerReferences?.FirstOrDefault(r => r.Controller == true && r.Kind == kind)?.Name;

    /// <summary>Pods controlled by the object with this uid.</summary>
    protected IReadOnlyList<V1Pod> OwnedPods(string? uid) =>
        Pods.List().Where(p => p.Metadata.OwnerReferences?.Any(r => r.Controller == true && r.Uid == uid) == true).ToList();

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _stop.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
        _stop.Dispose();
        GC.SuppressFinalize(this);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "{Kind}/{Name}: reconcile failed; retrying in 1 s")]
    private static partial void LogReconcileFailed(ILogger logger, Exception e, string kind, string name);
}

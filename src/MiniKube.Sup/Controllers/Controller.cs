using k8s.Models;
using Microsoft.Extensions.Logging;
using MiniKube.Sup.Spec;
using MiniKube.Sup.Store;

namespace MiniKube.Sup.Controllers;

/// <summary>
/// A reconciler of one kind, as Kubernetes controllers are built: changes only queue the object's name; one loop
/// takes names off the queue and compares desired with actual; a reconcile may ask to run again after a delay (timed
/// work: deadlines, minReadySeconds, schedules); a reconcile that throws is retried with a per-key backoff that
/// doubles (client-go's rate-limited queue). Reconciles of different objects run one after another, so a controller
/// needs no locks of its own.
/// </summary>
public abstract partial class Controller : IAsyncDisposable
{
    private readonly WorkQueue _queue;
    private readonly CancellationTokenSource _stop = new();
    private Task _loop = Task.CompletedTask;

    protected Controller(ControllerContext context)
    {
        Context = context;
        _queue = new WorkQueue(context.Time);
    }

    /// <summary>Raised after each reconcile, once its requeue (if any) is armed: tests advance a fake clock only
    /// after it, so that the timer they expect to fire exists.</summary>
    public event Action<string>? Reconciled;

    /// <summary>The kind this controller owns (its objects' <see cref="QueueKey"/>s are the queue's keys).</summary>
    public abstract string Kind { get; }

    protected ControllerContext Context { get; }

    protected TimeProvider Time => Context.Time;

    protected ObjectStore Store => Context.Store;

    protected IPodControl Pods => Context.Pods;

    /// <summary>Compares desired with actual for one object (its <see cref="QueueKey"/>) and acts. Returns when to
    /// look again, if a timed condition is pending (null: only a change wakes it).</summary>
    public abstract Task<TimeSpan?> ReconcileAsync(string key, CancellationToken cancel);

    /// <summary>Which of this controller's objects a change concerns. By default: the object itself when it is
    /// of <see cref="Kind"/>, and the controlling owner of a pod.</summary>
    public virtual IEnumerable<string> KeysFor(ObjectEvent change)
    {
        if (change.Kind == Kind) yield return QueueKey(change.Object.Metadata);
        else if (change.Kind == Kinds.Pod.Kind && OwnerKey(change.Object.Metadata, Kind) is { } owner) yield return owner;
    }

    /// <summary>An object's key in the queue: <c>namespace/name</c>, as client-go's MetaNamespaceKeyFunc makes it.</summary>
    public static string QueueKey(V1ObjectMeta meta) => $"{meta.NamespaceProperty ?? ObjectKey.DefaultNamespace}/{meta.Name}";

    /// <summary>The store key of this controller's object named by a queue key (one without a namespace is in
    /// <c>default</c>; a cluster-scoped kind's key is its name).</summary>
    protected ObjectKey KeyOf(string queueKey)
    {
        var slash = queueKey.IndexOf('/', StringComparison.Ordinal);
        if (Kinds.ByKind(Kind)?.Namespaced == false) return new ObjectKey(Kind, ObjectKey.ClusterScope, queueKey[(slash + 1)..]);
        return slash < 0 ? ObjectKey.Default(Kind, queueKey) : new ObjectKey(Kind, queueKey[..slash], queueKey[(slash + 1)..]);
    }

    /// <summary>The queue key of the object of <paramref name="kind"/> that controls this one (owners live in the
    /// namespace of what they own), if any.</summary>
    public static string? OwnerKey(V1ObjectMeta meta, string kind) =>
        OwnerName(meta, kind) is { } owner ? $"{meta.NamespaceProperty ?? ObjectKey.DefaultNamespace}/{owner}" : null;

    public void Start() => _loop = Task.Run(RunAsync);

    public void Enqueue(string name) => _queue.Add(name);

    public void EnqueueAfter(string name, TimeSpan delay) => _queue.AddAfter(name, delay);

    private async Task RunAsync()
    {
        try
        {
            await foreach (var name in _queue.Ready.ReadAllAsync(_stop.Token).ConfigureAwait(false))
            {
                _queue.Done(name);
                TimeSpan? again;
                try
                {
                    again = await ReconcileAsync(name, _stop.Token).ConfigureAwait(false);
                    _queue.Forget(name);
                }
                catch (OperationCanceledException) when (_stop.IsCancellationRequested) { return; }
                catch (Exception e)
                {
                    var delay = _queue.AddRateLimited(name);
                    LogReconcileFailed(Context.Logger, e, Kind, name, delay.TotalMilliseconds);
                    again = null;
                }
                if (again is { } d) EnqueueAfter(name, d);
                Reconciled?.Invoke(name);
            }
        }
        catch (OperationCanceledException) { }
    }

    /// <summary>Records an event about one of this controller's objects.</summary>
    protected void Record(V1ObjectMeta obj, string type, string reason, string message) =>
        Context.Events.Record(new Events.SupEvent(Time.GetUtcNow(), Kind, obj.Name, type, reason, message, null, obj.Uid)
            { Namespace = obj.NamespaceProperty ?? ObjectKey.DefaultNamespace });

    /// <summary>The name of the object of <paramref name="kind"/> that controls this one, if any.</summary>
    public static string? OwnerName(V1ObjectMeta meta, string kind) =>
        meta.OwnerReferences?.FirstOrDefault(r => r.Controller == true && r.Kind == kind)?.Name;

    /// <summary>Pods controlled by the object with this uid.</summary>
    protected IReadOnlyList<V1Pod> OwnedPods(string? uid) =>
        Pods.Owned(uid).Where(p => p.Metadata.OwnerReferences?.Any(r => r.Controller == true && r.Uid == uid) == true).ToList();

    public async ValueTask DisposeAsync()
    {
        _queue.Dispose();
        await _stop.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
        _stop.Dispose();
        GC.SuppressFinalize(this);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "{Kind}/{Name}: reconcile failed; retrying in {DelayMs} ms")]
    private static partial void LogReconcileFailed(ILogger logger, Exception e, string kind, string name, double delayMs);
}

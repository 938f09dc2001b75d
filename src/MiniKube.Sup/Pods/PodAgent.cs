using k8s.Models;
using Microsoft.Extensions.Logging;
using MiniKube.Sup.Store;
using MiniKube.Sup.Volumes;

namespace MiniKube.Sup.Pods;

/// <summary>
/// The kubelet's part: watches Pod objects in the store and runs them, one <see cref="PodWorker"/> per pod, and
/// writes back their status, and nothing else. It is the only place that turns pod objects into processes.
/// </summary>
/// <remarks>
/// <para>Per pod name, one worker at a time: a pod replaced by another of the same name (a new uid: a StatefulSet's
/// <c>web-0</c> made again, a pod whose spec changed) starts only once the old one's processes are gone, and a pod
/// deleted gracefully is removed from the store only then (k8s: the kubelet confirms the deletion).</para>
/// <para>Status is written <see cref="Durability.Soon"/>, conditional on the pod's uid (so it never lands on a pod of
/// the same name that replaced this one): a container restart never waits for the disk.</para>
/// <para>Nothing grows per pod name: a name's slot goes once its pod is gone and nothing of it runs.</para>
/// </remarks>
public sealed partial class PodAgent : IAsyncDisposable
{
    private readonly ObjectStore _store;
    private readonly PodWorkerContext _context;
    private readonly IPodTerminationListener? _termination;
    private readonly PodIpAllocator _ips;
    private readonly Lock _gate = new();
    private readonly Dictionary<ObjectKey, Slot> _slots = new();
    private StoreSubscription? _subscription;
    private StoreSubscription? _hostsSubscription;

    /// <summary>The pod IP of an image pod on the host's network (SPEC §3).</summary>
    public const string HostNetworkIp = "127.0.0.1";
    private volatile bool _detached;

    public PodAgent(ObjectStore store, PodWorkerContext context, IPodTerminationListener? termination = null)
    {
        _store = store;
        _context = context;
        _termination = termination;
        _ips = new PodIpAllocator(context.PodAddresses);
        _order = new StartOrder(store, context.Time, RecheckHeld);
    }

    private readonly StartOrder _order;

    /// <summary>The subscription that feeds the agent (tests wait on it).</summary>
    public StoreSubscription? Subscription => _subscription;

    /// <summary>The containers an earlier daemon left running, by pod uid: each pod's worker takes them back when it
    /// starts, and every pod it ran goes on from its stored status (<see cref="PodWorker"/>'s Resume). Given before
    /// <see cref="Start"/>.</summary>
    public void Adopt(IReadOnlyList<Processes.AdoptedInstance> instances)
    {
        lock (_gate)
        {
            var running = instances.GroupBy(i => i.PodUid).ToDictionary(g => g.Key, g => (IReadOnlyList<Processes.AdoptedInstance>)g.ToList(), StringComparer.Ordinal);
            var resumed = _store.List(Spec.Kinds.Pod.Kind).Where(stored => stored.Uid is { } uid && (running.ContainsKey(uid) || Ran(stored))).ToList();
            // Their addresses are taken before any other pod is given one: their processes listen on them.
            foreach (var stored in resumed)
                if (running.ContainsKey(stored.Uid!)) _ips.TryReserve((stored.Object as V1Pod)?.Status?.PodIP);
            // Each is run at once as it was stored, before the store's first replay to the agent: that replay (or a
            // change the files make at start) then finds it running, and a pod deleted or replaced meanwhile is stopped
            // as any running pod is, its adopted containers with it, rather than left running with nobody watching.
            foreach (var stored in resumed)
            {
                _adopted[stored.Uid!] = running.GetValueOrDefault(stored.Uid!) ?? [];
                var slot = _slots[stored.Key] = new Slot(stored.Key) { Desired = stored };
                slot.RestartedAt = RestartedAt(stored.As<V1Pod>());
                StartWorker(slot, stored);
            }
        }
    }

    /// <summary>Whether an earlier daemon ran the pod: not finished, and a container of it started (one held by its
    /// start order, or never started, goes through the usual path).</summary>
    private static bool Ran(StoredObject stored) =>
        stored.Object is V1Pod { Status: { } status } && !PodPhases.IsTerminal(status.Phase)
        && (status.InitContainerStatuses ?? []).Concat(status.ContainerStatuses ?? [])
            .Any(c => c.State?.Running is not null || c.State?.Terminated is not null || c.RestartCount > 0);

    private readonly Dictionary<string, IReadOnlyList<Processes.AdoptedInstance>> _adopted = new(StringComparer.Ordinal);

    public void Start()
    {
        _order.Start();
        _subscription ??= _store.Subscribe("pod agent", kind => kind == "Pod", OnPodChanged, _context.Logger);
        _hostsSubscription ??= _store.Subscribe("pod hosts", kind => kind == Spec.Kinds.Service.Kind || kind == Spec.Kinds.Pod.Kind, OnNamesChanged, _context.Logger);
    }

    /// <summary>A Service, or a pod that may answer under a headless Service (a hostname and a subdomain: a
    /// StatefulSet's), changed: every running pod's hosts file is looked at again (its worker writes it only if what
    /// it should hold changed). k8s: cluster DNS answers with the Services and pods there are now.</summary>
    private void OnNamesChanged(ObjectEvent change)
    {
        if (change.Object is V1Pod pod && string.IsNullOrEmpty(pod.Spec?.Subdomain)) return;
        lock (_gate)
        {
            if (_detached) return;
            foreach (var slot in _slots.Values)
                if (slot.Worker is { KeepsHostsFile: true } worker) worker.RefreshHosts();
        }
    }

    /// <summary>A pod held by its start order (<see cref="StartOrder"/>) is looked at again: a target changed.</summary>
    private void RecheckHeld()
    {
        lock (_gate)
        {
            foreach (var slot in _slots.Values.Where(s => s.HeldFor is not null).ToList()) Reconcile(slot);
        }
    }

    public PodWorker? Worker(string name, string ns = ObjectKey.DefaultNamespace)
    {
        lock (_gate) return _slots.TryGetValue(new ObjectKey("Pod", ns, name), out var slot) ? slot.Worker : null;
    }

    public IReadOnlyList<PodWorker> Workers()
    {
        lock (_gate) return _slots.Values.Select(s => s.Worker).OfType<PodWorker>().OrderBy(w => w.Name, StringComparer.Ordinal).ToList();
    }

    private void OnPodChanged(ObjectEvent change)
    {
        lock (_gate)
        {
            if (_detached) return;
            if (!_slots.TryGetValue(change.Key, out var slot))
            {
                if (change.Type == ObjectEvent.Deleted) return;
                _slots[change.Key] = slot = new Slot(change.Key);
            }
            slot.Desired = change.Type == ObjectEvent.Deleted ? null : change.Stored;
            Reconcile(slot);
        }
    }

    /// <summary>Brings one name's worker in line with its pod object. Called under the lock.</summary>
    private void Reconcile(Slot slot)
    {
        if (_detached || slot.Stopping is not null) return; // the stop in progress reconciles again when it is done
        var desired = slot.Desired;
        var pod = desired?.As<V1Pod>();
        if (slot.Worker is { } worker)
        {
            if (pod is null || desired!.Uid != slot.WorkerUid)
            {
                // Gone, or replaced by another pod of that name: this one stops first.
                slot.Stopping = StopAsync(slot, worker, slot.WorkerUid, grace: null, removeFromStore: false);
                return;
            }
            if (pod.Metadata.DeletionTimestamp is not null)
            {
                var grace = TimeSpan.FromSeconds(pod.Metadata.DeletionGracePeriodSeconds ?? pod.Spec.TerminationGracePeriodSeconds ?? 30);
                slot.Stopping = StopAsync(slot, worker, slot.WorkerUid, grace, removeFromStore: true);
                return;
            }
            if (RestartedAt(pod) is { } asked && asked != slot.RestartedAt)
            {
                slot.RestartedAt = asked;
                worker.RestartContainers("saw a watched file change");
            }
            return;
        }
        if (pod is null)
        {
            _slots.Remove(slot.Key);
            return;
        }
        if (pod.Metadata.DeletionTimestamp is not null)
        {
            // Deleted, with nothing of it running (it finished, or the daemon restarted): it can go now.
            slot.Stopping = Task.Run(() => Finish(slot, desired!.Uid, removeFromStore: true));
            return;
        }
        // A pod that finished keeps its final status, for its owner and for `logs`; nothing runs it again.
        if (PodPhases.IsTerminal(pod.Status?.Phase)) return;
        if (_order.Waiting(pod) is { } waiting)
        {
            // Written when what it waits for changes, and for each new pod of the name (a replacement is held too).
            if (slot.HeldFor != waiting || slot.HeldUid != desired!.Uid) ReportWaiting(slot, desired!, pod, waiting);
            slot.HeldFor = waiting;
            slot.HeldUid = desired!.Uid;
            return;
        }
        slot.HeldFor = null;
        slot.RestartedAt = RestartedAt(pod);
        StartWorker(slot, desired!);
    }

    private static string? RestartedAt(V1Pod pod) =>
        pod.Metadata.Annotations?.TryGetValue(Spec.SupAnnotations.RestartedAt, out var at) == true ? at : null;

    /// <summary>A pod held until what it waits for is Ready: Pending, its containers Waiting with reason
    /// <c>WaitingFor</c> and what is still missing.</summary>
    private void ReportWaiting(Slot slot, StoredObject stored, V1Pod pod, string waiting)
    {
        V1ContainerStatus Waiting(V1Container c) => new()
        {
            Name = c.Name, Image = c.Image ?? "", ImageID = "", Ready = false, RestartCount = 0, Started = false,
            State = new V1ContainerState { Waiting = new V1ContainerStateWaiting { Reason = WaitingForReason, Message = waiting } },
        };
        var now = _context.Time.GetUtcNow().UtcDateTime;
        V1PodCondition Condition(string type, string status) =>
            new() { Type = type, Status = status, LastTransitionTime = now, Reason = status == "True" ? null : WaitingForReason, Message = status == "True" ? null : waiting };
        var status = new V1PodStatus
        {
            Phase = "Pending",
            Conditions = [Condition("PodScheduled", "True"), Condition("Initialized", "False"), Condition("Ready", "False"), Condition("ContainersReady", "False")],
            InitContainerStatuses = pod.Spec.InitContainers is { Count: > 0 } init ? init.Select(Waiting).ToList() : null,
            ContainerStatuses = pod.Spec.Containers.Select(Waiting).ToList(),
        };
        try { _store.UpdateStatus(slot.Key, status, stored.Uid, durability: Durability.Soon); }
        catch (Exception e) when (e is StoreNotFoundException or StoreConflictException or ObjectDisposedException) { /* gone or replaced */ }
        if (slot.HeldFor is null) LogWaiting(_context.Logger, slot.Key.Name, waiting);
    }

    /// <summary>The reason a held pod's containers wait with (<see cref="Spec.SupAnnotations.WaitFor"/>).</summary>
    public const string WaitingForReason = "WaitingFor";

    private void StartWorker(Slot slot, StoredObject stored)
    {
        // The worker gets a private copy: it records what it set up on it (the volumes annotation), and the stored
        // model is shared by every reader.
        var pod = stored.Copy<V1Pod>();
        var uid = stored.Uid;
        _adopted.Remove(uid ?? "", out var adopted);
        // k8s: a pod on the host's network has the host's IP; an image pod's own network namespace has its own. A pod
        // whose containers are adopted keeps the one they listen on.
        var ip = pod.Spec.HostNetwork == true && Spec.ImagePods.RunInEngine(pod.Metadata, pod.Spec) ? HostNetworkIp
            : adopted is { Count: > 0 } && pod.Status?.PodIP is { } kept ? kept
            : _ips.Allocate();
        var worker = new PodWorker(pod, _context, snapshot => Report(slot.Key, uid, snapshot), ip, adopted);
        slot.Worker = worker;
        slot.WorkerUid = uid;
        worker.Start();
    }

    /// <summary>A worker's status change: into the store, unless the agent is shutting down (a stopping daemon's pods
    /// are not finished: they run again at the next start) or the pod is gone or replaced.</summary>
    private void Report(ObjectKey key, string? uid, V1Pod snapshot)
    {
        if (_detached) return;
        try { _store.UpdateStatus(key, snapshot.Status, uid, durability: Durability.Soon); }
        catch (Exception e) when (e is StoreNotFoundException or StoreConflictException or ObjectDisposedException) { /* gone or replaced */ }
        catch (Exception e)
        {
            // A status that cannot be written is the agent's problem, never the pod's: its containers run on.
            LogReportFailed(_context.Logger, e, key.Name);
        }
    }

    /// <summary>k8s killPod: the pod's endpoints leave its Services first, then its containers are stopped within
    /// the grace period; once all is down its address and directory are released and, for a deletion, the object
    /// goes.</summary>
    private async Task StopAsync(Slot slot, PodWorker worker, string? uid, TimeSpan? grace, bool removeFromStore)
    {
        try
        {
            if (worker.PodIp is { } ip) _termination?.Terminating(ip);
            await worker.StopAsync(grace).ConfigureAwait(false);
            await worker.Finished.ConfigureAwait(false);
            _ips.Release(worker.PodIp);
        }
        catch (Exception e)
        {
            LogStopFailed(_context.Logger, e, slot.Key.Name);
        }
        Finish(slot, uid, removeFromStore, worker);
    }

    private void Finish(Slot slot, string? uid, bool removeFromStore, PodWorker? worker = null)
    {
        try
        {
            var dir = _context.Paths.PodDirectory(StatePaths.OnDisk(slot.Key.Namespace, slot.Key.Name));
            PodVolumes.Teardown(dir);
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            LogCleanupFailed(_context.Logger, e, slot.Key.Name);
        }
        var removed = false;
        if (removeFromStore && !_detached)
        {
            try { removed = _store.Remove(slot.Key, uid, Durability.Soon); }
            catch (ObjectDisposedException) { }
            // Its logs stay while its owner does (a failed Job's pod, a StatefulSet's replaced one).
            try { PodLogRetention.Sweep(_context.Paths, _store); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or ObjectDisposedException) { LogCleanupFailed(_context.Logger, e, slot.Key.Name); }
        }
        lock (_gate)
        {
            // Gone from the store: the DELETED change that follows finds nothing left to do.
            if (removed && slot.Desired?.Uid == uid) slot.Desired = null;
            if (worker is not null && ReferenceEquals(slot.Worker, worker))
            {
                slot.Worker = null;
                slot.WorkerUid = null;
            }
            slot.Stopping = null;
            Reconcile(slot);
        }
    }

    /// <summary>The daemon stops: every pod's containers are stopped in parallel, each within its own grace period;
    /// the pod objects stay as they are (they run again at the next start), and so does nothing else.</summary>
    public Task StopAllAsync() => EndAsync(leaveRunning: false);

    /// <summary>The daemon stops with --keep-running: every pod is let go of with its containers running (an image
    /// pod's in the engine, with its sandbox), for the next daemon on this state dir to adopt (their objects and
    /// statuses stay as they are).</summary>
    public Task LeaveRunningAsync() => EndAsync(leaveRunning: true);

    private async Task EndAsync(bool leaveRunning)
    {
        List<PodWorker> workers;
        List<Task> stopping;
        lock (_gate)
        {
            _detached = true;
            workers = _slots.Values.Select(s => s.Worker).OfType<PodWorker>().ToList();
            stopping = _slots.Values.Select(s => s.Stopping).OfType<Task>().ToList();
        }
        await _order.DisposeAsync().ConfigureAwait(false);
        if (_subscription is not null) await _subscription.DisposeAsync().ConfigureAwait(false);
        if (_hostsSubscription is not null) await _hostsSubscription.DisposeAsync().ConfigureAwait(false);
        await Task.WhenAll(workers.Select(async w =>
        {
            if (leaveRunning)
            {
                w.Detach();
                await w.Finished.ConfigureAwait(false);
                return;
            }
            await w.StopAsync().ConfigureAwait(false);
            await w.Finished.ConfigureAwait(false);
            // Memory-backed emptyDirs do not outlive the daemon (nothing it mounted is left behind).
            PodVolumes.Teardown(_context.Paths.PodDirectory(w.DiskName));
        }).Concat(stopping)).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        _detached = true;
        await _order.DisposeAsync().ConfigureAwait(false);
        if (_subscription is not null) await _subscription.DisposeAsync().ConfigureAwait(false);
        if (_hostsSubscription is not null) await _hostsSubscription.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>One pod name: the object the store holds for it, and the worker running it (of that uid, or of the
    /// one it replaces).</summary>
    private sealed class Slot(ObjectKey key)
    {
        public ObjectKey Key { get; } = key;
        public StoredObject? Desired { get; set; }
        public PodWorker? Worker { get; set; }
        public string? WorkerUid { get; set; }
        public Task? Stopping { get; set; }

        /// <summary>What the pod still waits for before it may start, while its start order holds it.</summary>
        public string? HeldFor { get; set; }

        /// <summary>The uid of the pod <see cref="HeldFor"/> was written for.</summary>
        public string? HeldUid { get; set; }

        /// <summary>The pod's <see cref="Spec.SupAnnotations.RestartedAt"/> its worker has acted on.</summary>
        public string? RestartedAt { get; set; }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "pod {Pod}: held until its start order is met: {Waiting}")]
    private static partial void LogWaiting(ILogger logger, string pod, string waiting);

    [LoggerMessage(Level = LogLevel.Error, Message = "pod {Pod}: its status could not be written")]
    private static partial void LogReportFailed(ILogger logger, Exception e, string pod);

    [LoggerMessage(Level = LogLevel.Error, Message = "pod {Pod}: stopping failed")]
    private static partial void LogStopFailed(ILogger logger, Exception e, string pod);

    [LoggerMessage(Level = LogLevel.Warning, Message = "pod {Pod}: its directory could not be removed")]
    private static partial void LogCleanupFailed(ILogger logger, Exception e, string pod);
}

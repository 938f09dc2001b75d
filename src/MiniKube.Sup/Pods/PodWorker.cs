using System.Threading.Channels;
using k8s.Models;
using Microsoft.Extensions.Logging;
using MiniKube.Sup.Durations;
using MiniKube.Sup.Events;
using MiniKube.Sup.Probes;
using MiniKube.Sup.Processes;
using MiniKube.Sup.Runtime;
using MiniKube.Sup.Volumes;

namespace MiniKube.Sup.Pods;

/// <summary>
/// Runs one pod: starts its init containers in order, then its containers; watches them; restarts them per
/// restartPolicy with CrashLoopBackOff; and terminates them (SIGTERM to each container's group, grace period,
/// SIGKILL; regular containers first, then sidecars in reverse order). All decisions are taken on one loop that
/// consumes events, so the state needs no locks; every change publishes a fresh status snapshot.
/// </summary>
public sealed partial class PodWorker
{
    private readonly V1Pod _pod;
    private readonly PodWorkerContext _context;
    private readonly Action<V1Pod> _publish;
    private readonly Channel<PodEvent> _events = Channel.CreateUnbounded<PodEvent>(new UnboundedChannelOptions { SingleReader = true });
    private readonly LoopTimers<PodEvent> _timers;
    private readonly List<ContainerSlot> _init = [];
    private readonly List<ContainerSlot> _regular = [];
    private readonly string _restartPolicy;
    private readonly bool _runsImages;
    private readonly List<TaskCompletionSource> _stopWaiters = [];
    private readonly TaskCompletionSource _finished = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private DateTimeOffset _startTime;
    private int _initIndex;
    private bool _initFailed;
    private bool _shuttingDown;
    private DateTimeOffset _shutdownDeadline;
    private string? _terminalPhase;
    private string? _statusReason;
    private string? _statusMessage;
    private IReadOnlyList<V1PodCondition>? _conditions;
    private volatile V1Pod _snapshot;
    private volatile IReadOnlyList<RunningContainer> _running = [];

    /// <param name="adopted">the pod's containers an earlier daemon left running, to take back from the pod's stored
    /// status (<see cref="Resume"/>); null for a pod that starts from nothing</param>
    public PodWorker(V1Pod pod, PodWorkerContext context, Action<V1Pod>? publish = null, string? podIp = null, IReadOnlyList<AdoptedInstance>? adopted = null)
    {
        PodIp = podIp;
        _adopted = adopted;
        _pod = pod;
        _context = context;
        _publish = publish ?? (_ => { });
        _timers = new LoopTimers<PodEvent>(context.Time, _events.Writer);
        _restartPolicy = pod.Spec.RestartPolicy ?? RestartRules.Always;
        _runsImages = Spec.ImagePods.RunInEngine(pod.Metadata, pod.Spec);
        foreach (var c in pod.Spec.InitContainers ?? [])
            _init.Add(new ContainerSlot(c, c.RestartPolicy == RestartRules.Always ? ContainerKind.Sidecar : ContainerKind.Init, context.Backoff));
        foreach (var c in pod.Spec.Containers) _regular.Add(new ContainerSlot(c, ContainerKind.Regular, context.Backoff));
        foreach (var slot in _regular.Where(_ => _init.Count > 0)) slot.Waiting = new V1ContainerStateWaiting { Reason = "PodInitializing" };
        _snapshot = pod;
    }

    public string Name => _pod.Metadata.Name;

    public string Namespace => _pod.Metadata.NamespaceProperty ?? Store.ObjectKey.DefaultNamespace;

    /// <summary>The pod's name on disk (its directory, its logs): <see cref="StatePaths.OnDisk"/>.</summary>
    public string DiskName => StatePaths.OnDisk(Namespace, Name);

    /// <summary>This pod instance's uid (its logs are its own: <see cref="StatePaths.PodLogDirectory"/>).</summary>
    public string Uid => _pod.Metadata.Uid ?? "";

    /// <summary>Whether its containers run in a container engine (an image pod), not as host processes.</summary>
    public bool RunsImages => _runsImages;

    /// <summary>The pod's own loopback address (status.podIP), shared by its containers.</summary>
    public string? PodIp { get; }

    /// <summary>The pod as last published: spec and current status.</summary>
    public V1Pod Snapshot => _snapshot;

    /// <summary>The containers running now, with their main pid and owner mark (for the process view and logs).</summary>
    public IReadOnlyList<RunningContainer> Running => _running;

    /// <summary>Completes when the worker has nothing left to run (the pod stopped or reached a terminal phase
    /// and its sidecars are down).</summary>
    public Task Finished => _finished.Task;

    private TimeProvider Time => _context.Time;
    private string PodRef => $"Pod/{Name}";

    /// <summary>Publishes the pod as Pending (its containers ContainerCreating), then starts running it. A pod an
    /// earlier daemon ran keeps its stored status until it is taken back (<see cref="Resume"/>): published Pending
    /// first, a Ready pod would leave its Services for that moment.</summary>
    public void Start()
    {
        _startTime = _adopted is not null && _pod.Status?.StartTime is { } started ? new DateTimeOffset(started, TimeSpan.Zero) : Time.GetUtcNow();
        if (_adopted is null) Publish();
        ScheduleActiveDeadline();
        _ = Task.Run(RunAsync);
    }

    /// <summary>Restarts the pod's running containers (preStop, SIGTERM, the grace period, SIGKILL, then at once
    /// again, whatever the restartPolicy and without back-off): <paramref name="why"/> completes the Killing event's
    /// message ("Container app saw a watched file change, will be restarted").</summary>
    public void RestartContainers(string why) => _events.Writer.TryWrite(new PodEvent.RestartAsked(why));

    /// <summary>Terminates the pod: every container gets SIGTERM, then SIGKILL after the grace period
    /// (the pod's terminationGracePeriodSeconds unless <paramref name="grace"/> overrides it).</summary>
    public Task StopAsync(TimeSpan? grace = null)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_events.Writer.TryWrite(new PodEvent.Stop(grace, done))) return _finished.Task;
        return done.Task;
    }

    private async Task RunAsync()
    {
        try
        {
            Directory.CreateDirectory(_context.Paths.PodDirectory(DiskName));
            Resume();
            Advance();
            Publish();
            FinishIfDone();
            await foreach (var e in _events.Reader.ReadAllAsync().ConfigureAwait(false))
            {
                Handle(e);
                if (_detaching) break;
                CheckShutdownProgress();
                Publish();
                FinishIfDone();
            }
            // Stop requests that raced the end of the loop.
            while (_events.Reader.TryRead(out var late))
                if (late is PodEvent.Stop s) s.Done.TrySetResult();
        }
        catch (Exception e)
        {
            LogWorkerFailed(_context.Logger, e, Name);
            foreach (var slot in AllSlots()) _ = slot.Process?.SignalAllAsync(Native.SIGKILL);
            foreach (var w in _stopWaiters) w.TrySetException(e);
        }
        finally
        {
            _timers.CancelAll();
            // A pod let go of keeps its sandbox for the next daemon.
            if (!_detaching) await RemoveSandboxAsync().ConfigureAwait(false);
            _finished.TrySetResult();
        }
    }

    private void Handle(PodEvent e)
    {
        switch (e)
        {
            case PodEvent.Exited exited when exited.Slot.Instance == exited.Instance:
                // k8s: the runtime may know better than the exit code why it ended (OOMKilled).
                OnExited(exited.Slot, exited.Status, exited.FinishedAt, reason: exited.Slot.Process?.ExitReason, message: exited.Slot.Process?.ExitMessage);
                break;
            case PodEvent.RestartDue due when due.Slot.Instance == due.Instance && !_shuttingDown:
                due.Slot.PendingRestart = null;
                RestartNow(due.Slot);
                break;
            case PodEvent.RestartAsked asked when !_shuttingDown:
                foreach (var slot in _regular.Where(s => s.IsRunning))
                    KillForRestart(slot, $"Container {slot.Name} {asked.Why}, will be restarted", PodGrace, restartUnlessNever: true, asked: true);
                break;
            case PodEvent.HostsChanged:
                OnHostsChanged();
                break;
            case PodEvent.EngineHostsFileFound found:
                OnEngineHostsFileFound(found.Path);
                break;
            case PodEvent.SetupRetry setup when !_shuttingDown:
                setup.Retry();
                break;
            case PodEvent.Detach:
                OnDetach();
                break;
            case PodEvent.Stop stop:
                _stopWaiters.Add(stop.Done);
                BeginShutdown(stop.Grace ?? PodGrace);
                break;
            case PodEvent.StepTimedOut timedOut:
                OnStepTimedOut(timedOut);
                break;
            case PodEvent.Stopped stopped:
                OnStopped(stopped);
                break;
            case PodEvent.StartDone started:
                OnStartDone(started.Slot, started.Instance, started.Start);
                break;
            case PodEvent.SandboxCreated created:
                if (OnSandboxCreated(created.Creation)) Advance();
                break;
            default:
                HandleHealth(e);
                break;
        }
    }

    /// <summary>Starts what may start now: the next init container (or the next once a sidecar is up), then
    /// all regular containers.</summary>
    private void Advance()
    {
        if (_shuttingDown || _terminalPhase is not null || !VolumesReady() || !SandboxReady()) return;
        while (_initIndex < _init.Count)
        {
            var slot = _init[_initIndex];
            // k8s: the next init container starts once a sidecar has started (postStart done, startup probe passed).
            if (slot.Kind == ContainerKind.Sidecar ? slot.Started : slot.InitDone)
            {
                _initIndex++;
                continue;
            }
            if (!slot.EverStarted && slot.Instance == 0) StartContainer(slot);
            if (slot.Kind == ContainerKind.Sidecar && slot.Started)
            {
                _initIndex++;
                continue;
            }
            return;
        }
        foreach (var slot in _regular.Where(s => s.Instance == 0)) StartContainer(slot);
    }

    private async Task WatchExitAsync(ContainerSlot slot, int instance, IContainerInstance process)
    {
        var status = await process.Exited.ConfigureAwait(false);
        var finishedAt = Time.GetUtcNow();
        // k8s: when a container's init process dies, everything else in it dies too. The process group goes at
        // once (one syscall); the search for processes that left the group costs a /proc scan, so a container
        // that is restarted does not wait for it, while one being stopped does (the pod is gone only when all is).
        process.SignalGroup(Native.SIGKILL);
        var cleanup = Task.Run(() => CleanupAsync(slot, process));
        // A container killed to be restarted (slot.Kill) does not wait for the scan either, as after a crash.
        if (slot.Stopping && slot.Kill is null) await cleanup.ConfigureAwait(false);
        await OutputInLogAsync(process).ConfigureAwait(false);
        _events.Writer.TryWrite(new PodEvent.Exited(slot, instance, status, finishedAt));
    }

    /// <summary>Whoever sees the container Terminated (a Job's verdict, `sup run --exit-with`) reads its whole output
    /// in its log: the pump has read the pipe to its end. A process that left the container's group may still hold the
    /// pipe open: the exit is not held for it beyond <see cref="OutputDrainLimit"/>.</summary>
    private static async Task OutputInLogAsync(IContainerInstance process)
    {
        try { await process.OutputDrained.WaitAsync(OutputDrainLimit).ConfigureAwait(false); }
        catch (TimeoutException) { }
    }

    // Raised from 1 s: under load (3 busy loops on this 2-core machine) a failed Job's last line was missing from the logs
    // `sup run --exit-with` printed once in 5 runs, a slow output thread the likely cause. A container killed through its
    // cgroup closes its pipe at once: the limit only holds back an exit whose pipe an escaped process keeps open.
    private static readonly TimeSpan OutputDrainLimit = TimeSpan.FromSeconds(3);

    private async Task CleanupAsync(ContainerSlot slot, IContainerInstance process)
    {
        try { await process.KillRemainingAsync(Time, _context.CleanupTimeout).ConfigureAwait(false); }
        catch (Exception e) { LogCleanupFailed(_context.Logger, e, Name, slot.Name); }
    }

    private void OnExited(ContainerSlot slot, ExitStatus status, DateTimeOffset finishedAt, string? reason, string? message, DateTimeOffset? startedAt = null)
    {
        slot.Health?.Stop();
        slot.Health = null;
        var kill = slot.Kill;
        slot.Kill = null;
        status = HungStepStatus(status, kill);
        reason ??= kill?.TerminatedReason;
        message ??= kill?.TerminatedMessage;
        var terminated = new V1ContainerStateTerminated
        {
            ExitCode = status.ExitCode,
            Signal = status.Signal == 0 ? null : status.Signal,
            Reason = reason ?? (status.ExitCode == 0 ? "Completed" : "Error"),
            Message = message,
            StartedAt = (startedAt ?? slot.RunningSince ?? finishedAt).UtcDateTime,
            FinishedAt = finishedAt.UtcDateTime,
            ContainerID = slot.Process?.ContainerId,
        };
        slot.MarkTerminated(terminated);
        if (_shuttingDown) return;

        switch (slot.Kind)
        {
            case ContainerKind.Sidecar:
                // k8s: a sidecar is restarted on any exit, whatever the pod's restartPolicy.
                ScheduleRestart(slot);
                break;
            case ContainerKind.Init when status.Succeeded:
                slot.InitDone = true;
                Advance();
                break;
            case ContainerKind.Init when RestartRules.ForInitContainer(_restartPolicy) == RestartRules.Never:
                _initFailed = true;
                EnterTerminalPhase();
                break;
            case ContainerKind.Init:
                ScheduleRestart(slot);
                break;
            default:
                if (kill?.Asked == true) RestartNow(slot, crashed: false);
                else if (RestartRules.ShouldRestart(_restartPolicy, status, kill?.RestartUnlessNever == true)) ScheduleRestart(slot);
                else if (_regular.All(s => s.Terminated is not null)) EnterTerminalPhase();
                break;
        }
    }

    private void ScheduleRestart(ContainerSlot slot)
    {
        var finishedAt = new DateTimeOffset(slot.Terminated!.FinishedAt!.Value, TimeSpan.Zero);
        var remaining = slot.Backoff.RemainingAt(finishedAt, Time.GetUtcNow());
        if (remaining is null)
        {
            RestartNow(slot);
            return;
        }
        var delay = GoDuration.Format(slot.Backoff.CurrentDelay!.Value);
        slot.MarkWaiting("CrashLoopBackOff", $"back-off {delay} restarting failed container={slot.Name} pod={Name}_default({_pod.Metadata.Uid})");
        Record(SupEvent.Warning, "BackOff", "Back-off restarting failed container " + slot.Name + " in pod " + Name, slot);
        slot.PendingRestart = _timers.After(remaining.Value, new PodEvent.RestartDue(slot, slot.Instance));
    }

    /// <param name="crashed">false for a restart someone asked for: it does not count towards the back-off</param>
    private void RestartNow(ContainerSlot slot, bool crashed = true)
    {
        var last = slot.Terminated ?? slot.LastTerminated;
        var finishedAt = last?.FinishedAt is { } f ? new DateTimeOffset(f, TimeSpan.Zero) : Time.GetUtcNow();
        if (crashed) slot.Backoff.Next(finishedAt, Time.GetUtcNow());
        slot.RestartCount++;
        StartContainer(slot);
    }

    /// <summary>The pod is done (Succeeded or Failed): nothing restarts any more; sidecars are stopped.</summary>
    private void EnterTerminalPhase()
    {
        _terminalPhase = ComputePhase();
        BeginShutdown(PodGrace);
    }

    private void FinishIfDone()
    {
        if (!_shuttingDown || AnyRunning()) return;
        _timers.CancelAll();
        _events.Writer.TryComplete();
        foreach (var w in _stopWaiters) w.TrySetResult();
    }

    private bool AnyRunning() => AllSlots().Any(s => s.IsActive);

    private IEnumerable<ContainerSlot> AllSlots() => _init.Concat(_regular);

    private PodProgress Progress() =>
        new(_restartPolicy, _startTime, PodIp, Initialized: _initIndex >= _init.Count, _initFailed, _terminalPhase, _statusReason, _statusMessage);

    private string ComputePhase() => PodStatusBuilder.Phase(Progress(), _regular.Select(s => s.Snapshot()).ToList());

    private void Publish()
    {
        var status = PodStatusBuilder.Build(Progress(), _init.Select(s => s.Snapshot()).ToList(), _regular.Select(s => s.Snapshot()).ToList(),
            _conditions, Time.GetUtcNow());
        _conditions = status.Conditions.ToList();
        var snapshot = new V1Pod { ApiVersion = "v1", Kind = "Pod", Metadata = _pod.Metadata, Spec = _pod.Spec, Status = status };
        _snapshot = snapshot;
        _running = AllSlots()
            .Select(s => new RunningContainer(s.Name, s.Process?.Pid ?? 0, s.OwnerToken ?? "", s.RestartCount, s.Process?.OutputDrained, s.Process))
            .ToList();
        _publish(snapshot);
    }

    private void Record(string type, string reason, string message, ContainerSlot? slot = null)
    {
        var fieldPath = slot is null ? null
            : slot.Kind == ContainerKind.Regular ? $"spec.containers{{{slot.Name}}}" : $"spec.initContainers{{{slot.Name}}}";
        _context.Events.Record(new SupEvent(Time.GetUtcNow(), "Pod", Name, type, reason, message, fieldPath, _pod.Metadata.Uid) { Namespace = Namespace });
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "pod {Pod}: worker failed; its containers were killed")]
    private static partial void LogWorkerFailed(ILogger logger, Exception e, string pod);

    [LoggerMessage(Level = LogLevel.Warning, Message = "pod {Pod}: cleanup of container {Container} failed")]
    private static partial void LogCleanupFailed(ILogger logger, Exception e, string pod, string container);

    private abstract record PodEvent
    {
        public sealed record Exited(ContainerSlot Slot, int Instance, ExitStatus Status, DateTimeOffset FinishedAt) : PodEvent;
        public sealed record RestartDue(ContainerSlot Slot, int Instance) : PodEvent;
        public sealed record Stop(TimeSpan? Grace, TaskCompletionSource Done) : PodEvent;
        public sealed record ProbeChanged(ContainerSlot Slot, int Instance, ProbeType Type, ProbeResult Result, string Output) : PodEvent;
        public sealed record PostStartDone(ContainerSlot Slot, int Instance, ProbeOutcome Outcome) : PodEvent;
        public sealed record DeadlineExceeded : PodEvent;
        public sealed record StepTimedOut(ContainerSlot Slot, int Instance, TimeSpan Timeout) : PodEvent;
        public sealed record SetupRetry(Action Retry) : PodEvent;
        public sealed record RestartAsked(string Why) : PodEvent;
        public sealed record Stopped(ContainerSlot Slot, int Instance, Task<ContainerStopOutcome> Outcome) : PodEvent;
        public sealed record StartDone(ContainerSlot Slot, int Instance, Task<IContainerInstance> Start) : PodEvent;
        public sealed record SandboxCreated(Task<PodSandbox> Creation) : PodEvent;
        public sealed record Detach : PodEvent;
        public sealed record HostsChanged : PodEvent;
        public sealed record EngineHostsFileFound(string? Path) : PodEvent;
    }
}

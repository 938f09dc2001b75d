using MiniKube.Sup.Processes;

namespace MiniKube.Sup.Runtime.Engine;

/// <summary>
/// One container instance in the engine: its main process by host pid, its exit as the engine records it (exit code,
/// OOMKilled), its processes from its cgroup, and signals. The engine's attach (<see cref="IEngineDialect.Attach"/>)
/// carries its output into the log and ends when the container does; the engine then says how it ended.
/// </summary>
internal sealed class EngineContainer : IContainerInstance
{
    private readonly IEngineDialect _dialect;
    private readonly EngineCommand _engine;
    private readonly EngineCgroup? _cgroup;
    private readonly string? _stopSignal;
    private readonly Task<bool>? _oom;
    private readonly CancellationTokenSource _following;
    private volatile bool _exited;

    /// <param name="memoryLimited">it has a memory limit: its OOM kills are watched for (a thread while it runs)</param>
    /// <param name="cgroup">its own cgroup; null where it has none (rootless): its processes are then its main process's
    /// descendants</param>
    /// <param name="following">cancels the command that follows its output (<paramref name="attached"/>): <see cref="Release"/></param>
    public EngineContainer(IEngineDialect dialect, EngineContainerState state, Task attached, Task outputDrained, EngineExecContext exec,
        EngineCgroup? cgroup, bool memoryLimited, CancellationTokenSource following)
    {
        _following = following;
        _dialect = dialect;
        _engine = dialect.Command;
        Name = state.Name;
        Id = state.Id;
        Pid = state.Pid;
        _cgroup = cgroup;
        _oom = memoryLimited ? OomWatch.Start(state.Pid, _cgroup?.MemoryDirectory) : null;
        _stopSignal = state.StopSignal;
        ExecContext = exec;
        OutputDrained = outputDrained;
        Exited = WatchAsync(attached);
    }

    public string Name { get; }

    /// <summary>Its live output for kubectl attach (stdout and stderr apart).</summary>
    public ContainerStreams? Streams { get; init; }

    public string Id { get; }

    public int Pid { get; }

    public string ContainerId => $"{_dialect.Name}://{Id}";

    public Task OutputDrained { get; }

    public Task<ExitStatus> Exited { get; }

    public string? ExitReason { get; private set; }

    internal EngineExecContext ExecContext { get; }

    /// <summary>Once the attach has ended: how the engine says the container ended. An attach that ended while the
    /// container still runs (its connection broke) is followed by a wait.</summary>
    private async Task<ExitStatus> WatchAsync(Task attached)
    {
        try { await attached.ConfigureAwait(false); }
        catch (Exception) { /* the attach's own failure: the engine's state below says what happened */ }
        // Let go of (--keep-running): it runs on, and the next daemon notices its end.
        if (_following.IsCancellationRequested) await new TaskCompletionSource().Task.ConfigureAwait(false);
        var state = await EngineContainerState.InspectAsync(_engine, Name).ConfigureAwait(false);
        if (state is { Running: true })
        {
            await _engine.RunLongAsync(["wait", Name]).ConfigureAwait(false);
            state = await EngineContainerState.InspectAsync(_engine, Name).ConfigureAwait(false);
        }
        _exited = true;
        // k8s: a container the kernel's OOM killer ended is terminated with reason OOMKilled (and exit code 137).
        var oomKilled = state?.OomKilled == true || (_oom is { } oom && await oom.ConfigureAwait(false));
        if (oomKilled) ExitReason = "OOMKilled";
        return ExitStatus.Exited(state?.ExitCode ?? 137);
    }

    /// <summary>Straight to the main process by its host pid (cheap: no engine call); nothing once it has exited
    /// (a container's other processes die with it: they are in its pid namespace).</summary>
    public void SignalGroup(int signal)
    {
        if (!_exited && Pid > 0) Native.kill(Pid, signal);
    }

    /// <summary>Through the engine, as <c>podman kill</c> (<c>docker kill</c>) does (to the container's main process; SIGKILL ends the
    /// whole container). SIGTERM is the container's stop signal, as the image says (nginx: SIGQUIT).</summary>
    public async Task SignalAllAsync(int signal)
    {
        if (_exited) return;
        var name = signal == Native.SIGTERM && !string.IsNullOrEmpty(_stopSignal) ? _stopSignal : signal.ToString(System.Globalization.CultureInfo.InvariantCulture);
        await _engine.RunAsync(["kill", "--signal", name, Name]).ConfigureAwait(false);
    }

    public IReadOnlyList<ProcessInfo> Processes(Func<ProcessTable> table)
    {
        var result = new List<ProcessInfo>();
        if (_cgroup is null) return _exited ? result : Descendants(table());
        foreach (var pid in _cgroup.ProcessIds())
            if (ProcFs.TryRead(pid, out var p) && !p.IsZombie) result.Add(p);
        return result;
    }

    /// <summary>The main process and every process under it, from one snapshot.</summary>
    private List<ProcessInfo> Descendants(ProcessTable table)
    {
        var result = table.All.Where(p => p.Pid == Pid && !p.IsZombie).ToList();
        for (var i = 0; i < result.Count; i++)
            result.AddRange(table.All.Where(p => p.Ppid == result[i].Pid && !p.IsZombie));
        return result;
    }

    /// <summary>The daemon lets go of it (--keep-running): its attach (or follow) ends, the container runs on.</summary>
    public void Release() => _following.Cancel();

    /// <summary>The container is done: the engine removes it (and whatever is left of it).</summary>
    public async Task KillRemainingAsync(TimeProvider time, TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout, time);
        await _engine.RunAsync(_dialect.RemoveContainers([Name]), cancel.Token).ConfigureAwait(false);
    }
}

using MiniKube.Sup.Processes;

namespace MiniKube.Sup.Runtime;

/// <summary>
/// One running container instance: its master process (pid = process group id = session id), where all of its
/// processes are (<see cref="IProcessScope"/>: its cgroup, or its group, session and owner mark), the task that
/// completes when the master exits (watched by pid through the reaper, never through its pipes: a worker can hold
/// them open), and the task that completes when all output has been copied to the log.
/// </summary>
public sealed class HostProcess : IContainerInstance
{
    private readonly IProcessScope _scope;
    private readonly ContainerLimitCgroups? _limits;

    internal HostProcess(int pid, IProcessScope scope, Task<ExitStatus> exited, Task outputDrained, HostExecContext execContext, ContainerLimitCgroups? limits = null)
    {
        Pid = pid;
        _scope = scope;
        _limits = limits;
        Exited = limits is null ? exited : WatchOomAsync(exited, limits);
        OutputDrained = outputDrained;
        ExecContext = execContext;
    }

    /// <summary>An instance an earlier daemon started (<see cref="HostProcessRuntime.Adopt"/>): not this daemon's child,
    /// so its exit is noticed through its pidfd, and its status may be unknown (k8s: <c>ContainerStatusUnknown</c>,
    /// exit code 137, as the kubelet reports a container it lost).</summary>
    internal static HostProcess Adopted(int pid, IProcessScope scope, Task<ExitStatus?> exited, Task outputDrained, HostExecContext execContext)
    {
        // The instance exists before its end is looked at: an end already known (it ended just before the adoption)
        // completes at once, and is written on it.
        var known = new TaskCompletionSource<ExitStatus>(TaskCreationOptions.RunContinuationsAsynchronously);
        var process = new HostProcess(pid, scope, known.Task, outputDrained, execContext);
        _ = exited.ContinueWith(t =>
        {
            if (t.IsCompletedSuccessfully && t.Result is { } status)
            {
                known.SetResult(status);
                return;
            }
            process.ExitReason = UnknownReason;
            process.ExitMessage = "The container's exit status could not be read: it was adopted from an earlier sup daemon, and is not this one's child";
            known.SetResult(ExitStatus.Exited(137));
        }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        return process;
    }

    /// <summary>k8s: the reason of a container whose end the kubelet could not see.</summary>
    public const string UnknownReason = "ContainerStatusUnknown";

    /// <summary>Once <see cref="Exited"/> has completed: what the status says about an unknown end, else null.</summary>
    public string? ExitMessage { get; private set; }

    /// <summary>What kubectl attach reaches; null for an adopted instance (its stdin and terminal were the last daemon's).</summary>
    public ContainerStreams? Streams { get; init; }

    /// <summary>k8s: <c>OOMKilled</c> when the kernel's OOM killer ended the container (its memory limit).</summary>
    public string? ExitReason { get; private set; }

    /// <summary>Reads the OOM counter as the main process exits, while its memory cgroup still exists.</summary>
    private async Task<ExitStatus> WatchOomAsync(Task<ExitStatus> exited, ContainerLimitCgroups limits)
    {
        var status = await exited.ConfigureAwait(false);
        if (limits.OomKilled(status)) ExitReason = "OOMKilled";
        return status;
    }

    public int Pid { get; }

    public Task<ExitStatus> Exited { get; }

    public Task OutputDrained { get; }

    /// <summary>Where a command run in this container runs (<see cref="HostExec"/>): as its own processes do.</summary>
    internal HostExecContext ExecContext { get; }

    /// <summary>Signals the container's process group: the master and every worker that stayed in it. The
    /// master leads its own session, so the group exists as long as any of its members does. SIGKILL reaches
    /// the whole cgroup when the container has one.</summary>
    public void SignalGroup(int signal)
    {
        if (signal == Native.SIGKILL) _scope.KillNow();
        else Native.kill(-Pid, signal);
    }

    public IReadOnlyList<ProcessInfo> Processes(Func<ProcessTable> table) => _scope.Processes(table);

    /// <summary>Sends <paramref name="signal"/> to the group and to every process of the container that left the
    /// group, once each (a process's shutdown handler must not run twice).</summary>
    public async Task SignalAllAsync(int signal)
    {
        Native.kill(-Pid, signal);
        await _scope.SignalAllAsync(signal, signalledGroup: Pid).ConfigureAwait(false);
    }

    /// <summary>As when a container's init process dies: SIGKILL to everything left of the container, repeated
    /// until nothing is left or the timeout passes; then its cgroup is removed.</summary>
    public async Task KillRemainingAsync(TimeProvider time, TimeSpan timeout)
    {
        await _scope.KillAllAsync(time, timeout).ConfigureAwait(false);
        if (_limits is { } limits) await limits.RemoveAsync(time, timeout).ConfigureAwait(false);
    }
}

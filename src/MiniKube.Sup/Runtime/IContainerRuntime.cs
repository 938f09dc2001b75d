using MiniKube.Sup.Processes;

namespace MiniKube.Sup.Runtime;

/// <summary>Starts container instances. The pod worker acts through this; host processes implement it today,
/// podman/docker later, and tests use a fake.</summary>
public interface IContainerRuntime
{
    /// <exception cref="ContainerStartException">the container could not be started</exception>
    IContainerInstance Start(ContainerLaunch launch);

    /// <summary>k8s CRI ExecSync: runs <paramref name="command"/> (argv, no shell) inside
    /// <paramref name="container"/>, as its own processes run: its environment, working directory and owner mark,
    /// and its cgroup when it has one. At <paramref name="timeout"/> (<see cref="Timeout.InfiniteTimeSpan"/>: none)
    /// everything the command started is killed and the result says it timed out; cancellation kills it too, then
    /// throws <see cref="OperationCanceledException"/>.</summary>
    /// <param name="container">an instance this runtime started</param>
    /// <exception cref="ContainerExecException">the command could not be run</exception>
    Task<ExecResult> ExecAsync(IContainerInstance container, IReadOnlyList<string> command, TimeSpan timeout, CancellationToken cancellationToken);
}

/// <summary>A started container instance.</summary>
public interface IContainerInstance
{
    int Pid { get; }

    /// <summary>Completes when all output of the instance has been written to its log.</summary>
    Task OutputDrained { get; }

    /// <summary>Completes when the container's main process exits.</summary>
    Task<ExitStatus> Exited { get; }

    /// <summary>Sends a signal to the container's process group, or SIGKILL to its cgroup (cheap: no search).</summary>
    void SignalGroup(int signal);

    /// <summary>Sends a signal to every process of the container.</summary>
    Task SignalAllAsync(int signal);

    /// <summary>The container's live processes (for <c>sup ps</c>); <paramref name="table"/> is a /proc snapshot
    /// shared by one view, used only where the container has no cgroup.</summary>
    IReadOnlyList<ProcessInfo> Processes(Func<ProcessTable> table);

    /// <summary>SIGKILLs whatever is left of the container once its main process is gone.</summary>
    Task KillRemainingAsync(TimeProvider time, TimeSpan timeout);
}

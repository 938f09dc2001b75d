using MiniKube.Sup.Processes;

namespace MiniKube.Sup.Runtime;

/// <summary>Starts container instances. The pod worker acts through this; host processes implement it today,
/// podman/docker later, and tests use a fake.</summary>
public interface IContainerRuntime
{
    /// <exception cref="ContainerStartException">the container could not be started</exception>
    IContainerInstance Start(ContainerLaunch launch);
}

/// <summary>A started container instance.</summary>
public interface IContainerInstance
{
    int Pid { get; }

    /// <summary>Completes when all output of the instance has been written to its log.</summary>
    Task OutputDrained { get; }

    /// <summary>Completes when the container's main process exits.</summary>
    Task<ExitStatus> Exited { get; }

    /// <summary>The container's cgroup directory, when it has one: exec probes and hooks run in it.</summary>
    string? CgroupDirectory { get; }

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

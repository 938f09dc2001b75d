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

    /// <summary>Sends a signal to the container's process group (cheap: no /proc scan).</summary>
    void SignalGroup(int signal);

    /// <summary>Sends a signal to every process of the container.</summary>
    void SignalAll(int signal);

    /// <summary>SIGKILLs whatever is left of the container once its main process is gone.</summary>
    Task KillRemainingAsync(TimeProvider time, TimeSpan timeout);
}

using MiniKube.Sup.Processes;

namespace MiniKube.Sup.Runtime;

/// <summary>Runs pods' containers (k8s CRI RuntimeService): a sandbox per pod, then its container instances, and
/// commands inside them. The pod worker acts through this; host processes and container engines implement it, and
/// tests use a fake.</summary>
public interface IContainerRuntime
{
    /// <summary>k8s RunPodSandbox: what the pod's containers share (for an engine, its network namespace), before its
    /// first container starts. A host pod has nothing to create.</summary>
    /// <exception cref="SandboxException">the sandbox could not be made</exception>
    Task<PodSandbox> CreateSandboxAsync(SandboxRequest request, CancellationToken cancellationToken);

    /// <summary>k8s StopPodSandbox + RemovePodSandbox: once the pod's containers are all gone.</summary>
    Task RemoveSandboxAsync(PodSandbox sandbox, CancellationToken cancellationToken);

    /// <summary>Creates and starts one container instance in <see cref="ContainerLaunch.Sandbox"/>. A host process
    /// starts at once (the task is complete when this returns); an engine takes most of a second, so callers must
    /// not wait for it on a loop that has other work.</summary>
    /// <exception cref="ContainerStartException">the container was created but could not be started (StartError)</exception>
    /// <exception cref="ContainerCreateException">the container could not be created yet (its image, its config):
    /// it waits with the exception's reason and is tried again</exception>
    Task<IContainerInstance> StartAsync(ContainerLaunch launch, CancellationToken cancellationToken);

    /// <summary>k8s CRI ExecSync: runs <paramref name="command"/> (argv, no shell) inside
    /// <paramref name="container"/>, as its own processes run: its environment, working directory and owner mark,
    /// and its cgroup when it has one. At <paramref name="timeout"/> (<see cref="Timeout.InfiniteTimeSpan"/>: none)
    /// everything the command started is killed and the result says it timed out; cancellation kills it too, then
    /// throws <see cref="OperationCanceledException"/>.</summary>
    /// <param name="container">an instance this runtime started</param>
    /// <exception cref="ContainerExecException">the command could not be run</exception>
    Task<ExecResult> ExecAsync(IContainerInstance container, IReadOnlyList<string> command, TimeSpan timeout, CancellationToken cancellationToken);

    /// <summary>What to spawn to run <paramref name="command"/> in the container with its own streams (kubectl exec).</summary>
    /// <exception cref="ContainerExecException">no command, or it cannot be found.</exception>
    ExecTarget ExecTarget(IContainerInstance container, IReadOnlyList<string> command);

    /// <summary>Takes back a container instance an earlier daemon started and left running (it was killed, or stopped
    /// with --keep-running): <paramref name="pid"/> is its main process, already checked to be that instance's
    /// (<see cref="Pods.ContainerAdoption"/>). Null where this runtime cannot adopt it: it is then killed and started
    /// again.</summary>
    IContainerInstance? Adopt(ContainerLaunch launch, int pid) => null;

    /// <summary>The sandbox an earlier daemon made for the pod of <paramref name="request"/>, which holds the
    /// containers this runtime adopts (an engine's pod, with its network namespace and published ports); null where
    /// there is none to take back (it is then made afresh, and what was in it goes).</summary>
    PodSandbox? AdoptSandbox(SandboxRequest request) => null;

    /// <summary>Where the engine keeps <paramref name="sandbox"/>'s /etc/hosts on the host (bind-mounted into its
    /// containers), for the pod worker to keep current; null where the runtime has none (a host pod's is its worker's
    /// own).</summary>
    Task<string?> HostsFileAsync(PodSandbox sandbox, CancellationToken cancellationToken) => Task.FromResult<string?>(null);
}

/// <summary>A started container instance.</summary>
public interface IContainerInstance
{
    /// <summary>The host pid of the container's main process.</summary>
    int Pid { get; }

    /// <summary>k8s containerID: <c>&lt;runtime&gt;://&lt;id&gt;</c>.</summary>
    string ContainerId => $"sup://{Pid}";

    /// <summary>Completes when all output of the instance has been written to its log.</summary>
    Task OutputDrained { get; }

    /// <summary>What kubectl attach reaches (its live output, its stdin, its terminal); null where the runtime cannot
    /// attach to it (an instance adopted after a restart of the daemon).</summary>
    ContainerStreams? Streams => null;

    /// <summary>Completes when the container's main process exits.</summary>
    Task<ExitStatus> Exited { get; }

    /// <summary>Once <see cref="Exited"/> has completed: why it ended when the runtime knows better than the exit
    /// code (k8s: <c>OOMKilled</c>), else null.</summary>
    string? ExitReason => null;

    /// <summary>Once <see cref="Exited"/> has completed: the message that goes with <see cref="ExitReason"/>, if any.</summary>
    string? ExitMessage => null;

    /// <summary>Sends a signal to the container's process group, or SIGKILL to its cgroup (cheap: no search).</summary>
    void SignalGroup(int signal);

    /// <summary>Sends a signal to every process of the container.</summary>
    Task SignalAllAsync(int signal);

    /// <summary>The container's live processes (for <c>sup ps</c>); <paramref name="table"/> is a /proc snapshot
    /// shared by one view, used only where the container has no cgroup.</summary>
    IReadOnlyList<ProcessInfo> Processes(Func<ProcessTable> table);

    /// <summary>SIGKILLs whatever is left of the container once its main process is gone.</summary>
    Task KillRemainingAsync(TimeProvider time, TimeSpan timeout);

    /// <summary>The daemon stops with --keep-running and lets go of the container, which runs on for the next daemon
    /// to adopt: whatever the runtime runs to follow it (an engine's attach) ends; <see cref="Exited"/> never
    /// completes after this.</summary>
    void Release() { }
}

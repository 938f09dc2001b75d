using MiniKube.Sup.Logs;
using System.ComponentModel;
using MiniKube.Sup.Processes;

namespace MiniKube.Sup.Runtime;

/// <summary>Starts containers as host processes: resolves the executable on the container's PATH, spawns it in
/// its own session (and its own cgroup, where the daemon has them) with the container's environment, and copies
/// its output to its log file and the console. A command run in a container later starts the same way
/// (<see cref="HostExec"/>).</summary>
/// <param name="time">the clock of exec timeouts; the system clock when null</param>
public sealed class HostProcessRuntime(IContainerOutput output, LogRotationOptions? rotation = null, ContainerLogLosses? losses = null,
    ProcessTracking? tracking = null, TimeProvider? time = null) : IContainerRuntime
{
    /// <summary>Makes the output pipe: 0 and its two ends, or the errno of the failure (tests inject one).</summary>
    internal delegate int PipeFactory(out int readFd, out int writeFd);

    internal PipeFactory CreatePipe { get; init; } = Native.CreatePipe;

    private static readonly TimeSpan LimitCleanupTimeout = TimeSpan.FromSeconds(5);

    /// <summary>A host pod shares the host's network: nothing to create.</summary>
    public Task<PodSandbox> CreateSandboxAsync(SandboxRequest request, CancellationToken cancellationToken) =>
        Task.FromResult(PodSandbox.Host(request.PodIp));

    public Task RemoveSandboxAsync(PodSandbox sandbox, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Starts at once: the task is complete (or faulted) when this returns.</summary>
    public Task<IContainerInstance> StartAsync(ContainerLaunch launch, CancellationToken cancellationToken)
    {
        try { return Task.FromResult(Start(launch)); }
        catch (ContainerStartException e) { return Task.FromException<IContainerInstance>(e); }
    }

    /// <exception cref="ContainerStartException">the process could not be started</exception>
    public IContainerInstance Start(ContainerLaunch launch)
    {
        if (launch.Command.Count == 0 || string.IsNullOrEmpty(launch.Command[0]))
            throw new ContainerStartException("no command specified");
        if (!Directory.Exists(launch.WorkingDirectory))
            throw new ContainerStartException($"working directory \"{launch.WorkingDirectory}\" does not exist");

        var path = SearchPath(launch);
        var program = ExecutableResolver.Resolve(launch.Command[0], path, launch.WorkingDirectory);
        // In a mount namespace of its own, the program may be where only its mounts put it: the namespace resolves it.
        if (program is null && launch.Isolation is null)
            throw new ContainerStartException($"exec: \"{launch.Command[0]}\": executable file not found in $PATH");
        var (wrapper, argv) = IsolatedCommand.Of(program ?? launch.Command[0], launch.Command, launch.Isolation, launch.User);
        var executable = wrapper == program ? program : ExecutableResolver.Resolve(wrapper, DaemonPath, "/")
            ?? throw new ContainerStartException($"\"{wrapper}\" (util-linux) is not on the daemon's PATH: it runs containers with a user or mounts of their own");
        var environment = EnvironmentOf(launch);

        FileSystem.Directories.Create(Path.GetDirectoryName(launch.LogPath)!, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute); // logs/<pod>_<uid>/<container>: owner-only
        // A terminal is the daemon's to hold: a container on one cannot outlive it, so it gets no named pipe.
        var fifo = launch.Stdio.Tty ? null : launch.OutputFifo;
        if (fifo is not null) FileSystem.Directories.Create(Path.GetDirectoryName(fifo)!, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        if (DescriptorLimit.CheckHeadroom() is { } full) throw new ContainerStartException(full);
        ContainerLogPump pump;
        try { pump = new ContainerLogPump(launch.LogPath, output, launch.PodName, launch.ContainerName, rotation, losses: losses, @namespace: launch.Namespace); }
        catch (IOException e) { throw new ContainerStartException($"cannot open its log file: {e.Message}", e); }
        ContainerIo io;
        try { io = ContainerIo.Open(launch.Stdio, CreatePipe, fifo); }
        catch (ContainerExecException e)
        {
            pump.OnClosed();
            throw new ContainerStartException(e.Message, e);
        }
        ContainerCgroup? cgroup;
        try
        {
            cgroup = tracking?.CreateCgroup(launch.PodName, launch.PodUid, launch.ContainerName, launch.Instance);
        }
        catch (IOException e)
        {
            io.Abandon();
            pump.OnClosed();
            throw new ContainerStartException(e.Message, e);
        }
        // k8s resources.limits: written before the process exists, joined while it is held before exec.
        var limits = tracking?.CreateLimits(launch.PodName, launch.PodUid, launch.ContainerName, launch.Instance, cgroup, launch.Limits.MemoryBytes, launch.Limits.Cpus);
        limits?.Apply();
        int pid;
        Task<ExitStatus> exited;
        try
        {
            var request = io.Attach(new SpawnRequest(executable, argv, environment, launch.WorkingDirectory, io.OutputFd, cgroup?.Directory,
                AlsoJoin: limits?.JoinDirectories, JoinFailed: limits is null ? null : limits.JoinFailed));
            (pid, exited) = ChildReaper.Shared.SpawnWatched(() => ProcessSpawner.Spawn(request));
        }
        catch (Win32Exception e)
        {
            io.Abandon();
            pump.OnClosed();
            cgroup?.TryRemove();
            _ = limits?.RemoveAsync(time ?? TimeProvider.System, LimitCleanupTimeout);
            throw new ContainerStartException(e.Message, e);
        }
        finally
        {
            io.Started();
        }
        var streams = io.Streams();
        OutputMultiplexer.Shared.Add(io.ReadFd, streams.Tee(pump));
        var drained = RemoveWhenRead(pump.Closed, fifo);
        var scope = tracking?.Scope(cgroup, pid, launch.OwnerToken) ?? new ProcessTreeScope(pid, launch.OwnerToken, SharedProcessTable.Shared);
        if (limits is not null) HostLimitReport.Report(launch, limits);
        return new HostProcess(pid, scope, exited, drained, ExecContextOf(launch, pid, environment, path, cgroup, limits), limits) { Streams = streams };
    }

    /// <summary>Takes back an instance an earlier daemon started (<see cref="IContainerRuntime.Adopt"/>): its output is
    /// read on from its named pipe into the same log file, its processes are found in its cgroup (or by its group and
    /// owner mark), and its exit is noticed through its pidfd. Its stdin and terminal, if it had them, were the last
    /// daemon's: kubectl attach cannot reach it.</summary>
    public IContainerInstance? Adopt(ContainerLaunch launch, int pid)
    {
        var exited = AdoptedExits.Shared.Watch(pid);
        Task drained;
        var fd = launch.OutputFifo is { } fifo ? OutputFifo.Reopen(fifo) : -1;
        if (fd >= 0)
        {
            FileSystem.Directories.Create(Path.GetDirectoryName(launch.LogPath)!, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            var pump = new ContainerLogPump(launch.LogPath, output, launch.PodName, launch.ContainerName, rotation, losses: losses, @namespace: launch.Namespace);
            OutputMultiplexer.Shared.Add(fd, pump);
            drained = RemoveWhenRead(pump.Closed, launch.OutputFifo);
        }
        else drained = Task.CompletedTask; // its output went to a pipe the last daemon held: it cannot be read any more
        var cgroup = tracking?.ExistingCgroup(launch.PodName, launch.PodUid, launch.ContainerName, launch.Instance, pid);
        var scope = tracking?.Scope(cgroup, pid, launch.OwnerToken) ?? new ProcessTreeScope(pid, launch.OwnerToken, SharedProcessTable.Shared);
        var path = SearchPath(launch);
        return HostProcess.Adopted(pid, scope, exited, drained, ExecContextOf(launch, pid, EnvironmentOf(launch), path, cgroup, limits: null));
    }

    private static HostExecContext ExecContextOf(ContainerLaunch launch, int pid, List<string> environment, string path, ContainerCgroup? cgroup, ContainerLimitCgroups? limits)
    {
        var exec = new HostExecContext(environment, path, launch.WorkingDirectory, cgroup?.Directory, limits?.JoinDirectories);
        if (launch.Isolation is not null || launch.User is not null)
            exec = exec with { Enter = (p, a) => IsolatedCommand.InContainer(pid, launch.Isolation, launch.User, p, a, launch.WorkingDirectory) };
        return exec;
    }

    /// <summary>Once its output is all read, an instance's named pipe goes: a later daemon finds nothing to reopen.</summary>
    private static Task RemoveWhenRead(Task closed, string? fifo) =>
        fifo is null ? closed : closed.ContinueWith(_ => OutputFifo.Remove(fifo), TaskScheduler.Default);

    public Task<ExecResult> ExecAsync(IContainerInstance container, IReadOnlyList<string> command, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var host = container as HostProcess ?? throw new ArgumentException("not a container of the host process runtime", nameof(container));
        return HostExec.RunAsync(host.ExecContext, command, timeout, time ?? TimeProvider.System, CreatePipe, cancellationToken);
    }

    public ExecTarget ExecTarget(IContainerInstance container, IReadOnlyList<string> command)
    {
        var host = container as HostProcess ?? throw new ArgumentException("not a container of the host process runtime", nameof(container));
        var (executable, argv) = HostExec.Resolve(host.ExecContext, command);
        return new ExecTarget(executable, argv, host.ExecContext);
    }

    /// <summary>Where the daemon finds the tools it runs containers through (unshare, setpriv, nsenter).</summary>
    internal static string DaemonPath => System.Environment.GetEnvironmentVariable("PATH") is { Length: > 0 } p ? p + ":/usr/bin:/bin:/usr/sbin:/sbin" : "/usr/bin:/bin:/usr/sbin:/sbin";

    private static string SearchPath(ContainerLaunch launch) =>
        launch.Environment.TryGetValue("PATH", out var p) ? p : System.Environment.GetEnvironmentVariable("PATH") ?? "/usr/local/bin:/usr/bin:/bin";

    /// <summary>The container's environment and its owner mark, which no variable of the container's may replace:
    /// the clean-up and the process view find its processes by it.</summary>
    private static List<string> EnvironmentOf(ContainerLaunch launch)
    {
        var environment = launch.Environment
            .Where(kv => kv.Key != ContainerProcesses.OwnerVariable)
            .Select(kv => $"{kv.Key}={kv.Value}")
            .ToList();
        environment.Add($"{ContainerProcesses.OwnerVariable}={launch.OwnerToken}");
        return environment;
    }
}

using MiniKube.Sup.Logs;
using System.ComponentModel;
using MiniKube.Sup.Processes;

namespace MiniKube.Sup.Runtime;

/// <summary>Starts containers as host processes: resolves the executable on the container's PATH, spawns it in
/// its own session (and its own cgroup, where the daemon has them) with the container's environment, and copies
/// its output to its log file and the console.</summary>
public sealed class HostProcessRuntime(IContainerOutput output, LogRotationOptions? rotation = null, ContainerLogLosses? losses = null, ProcessTracking? tracking = null) : IContainerRuntime
{
    /// <summary>Makes the output pipe: 0 and its two ends, or the errno of the failure (tests inject one).</summary>
    internal delegate int PipeFactory(out int readFd, out int writeFd);

    internal PipeFactory CreatePipe { get; init; } = Native.CreatePipe;

    public IContainerInstance Start(ContainerLaunch launch)
    {
        if (launch.Command.Count == 0 || string.IsNullOrEmpty(launch.Command[0]))
            throw new ContainerStartException("no command specified");
        if (!Directory.Exists(launch.WorkingDirectory))
            throw new ContainerStartException($"working directory \"{launch.WorkingDirectory}\" does not exist");

        var path = launch.Environment.TryGetValue("PATH", out var p) ? p : System.Environment.GetEnvironmentVariable("PATH") ?? "/usr/local/bin:/usr/bin:/bin";
        var executable = ExecutableResolver.Resolve(launch.Command[0], path, launch.WorkingDirectory)
            ?? throw new ContainerStartException($"exec: \"{launch.Command[0]}\": executable file not found in $PATH");

        var environment = launch.Environment.Select(kv => $"{kv.Key}={kv.Value}").ToList();
        environment.Add($"{ContainerProcesses.OwnerVariable}={launch.OwnerToken}");

        FileSystem.Directories.Create(Path.GetDirectoryName(launch.LogPath)!, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute); // logs/<pod>/<container>: owner-only
        if (DescriptorLimit.CheckHeadroom() is { } full) throw new ContainerStartException(full);
        ContainerLogPump pump;
        try { pump = new ContainerLogPump(launch.LogPath, output, launch.PodName, launch.ContainerName, rotation, losses: losses); }
        catch (IOException e) { throw new ContainerStartException($"cannot open its log file: {e.Message}", e); }
        var errno = CreatePipe(out var readFd, out var writeFd);
        if (errno != 0)
        {
            pump.OnClosed();
            throw new ContainerStartException("cannot create output pipe: " + Errno.Describe(errno));
        }
        ContainerCgroup? cgroup;
        try
        {
            cgroup = tracking?.CreateCgroup(launch.PodName, launch.PodUid, launch.ContainerName, launch.Instance);
        }
        catch (IOException e)
        {
            Native.close(readFd);
            Native.close(writeFd);
            pump.OnClosed();
            throw new ContainerStartException(e.Message, e);
        }
        int pid;
        Task<ExitStatus> exited;
        try
        {
            var request = new SpawnRequest(executable, launch.Command, environment, launch.WorkingDirectory, writeFd, cgroup?.Directory);
            (pid, exited) = ChildReaper.Shared.SpawnWatched(() => ProcessSpawner.Spawn(request));
        }
        catch (Win32Exception e)
        {
            Native.close(readFd);
            pump.OnClosed();
            cgroup?.TryRemove();
            throw new ContainerStartException(e.Message, e);
        }
        finally
        {
            Native.close(writeFd);
        }
        OutputMultiplexer.Shared.Add(readFd, pump);
        var drained = pump.Closed;
        var scope = tracking?.Scope(cgroup, pid, launch.OwnerToken) ?? new ProcessTreeScope(pid, launch.OwnerToken, SharedProcessTable.Shared);
        return new HostProcess(pid, scope, exited, drained);
    }
}

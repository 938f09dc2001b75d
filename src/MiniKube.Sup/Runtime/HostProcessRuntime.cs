using System.ComponentModel;
using System.Text;
using Microsoft.Win32.SafeHandles;
using MiniKube.Sup.Processes;

namespace MiniKube.Sup.Runtime;

/// <summary>Starts containers as host processes: resolves the executable on the container's PATH, spawns it in
/// its own session with the container's environment, and copies its output to its log file and the console.</summary>
public sealed class HostProcessRuntime(IContainerOutput output) : IContainerRuntime
{
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

        Directory.CreateDirectory(Path.GetDirectoryName(launch.LogPath)!);
        if (!Native.TryCreatePipe(out var readFd, out var writeFd))
            throw new ContainerStartException("cannot create output pipe", new Win32Exception());
        int pid;
        Task<ExitStatus> exited;
        try
        {
            var request = new SpawnRequest(executable, launch.Command, environment, launch.WorkingDirectory, writeFd);
            (pid, exited) = ChildReaper.Shared.SpawnWatched(() => ProcessSpawner.Spawn(request));
        }
        catch (Win32Exception e)
        {
            Native.close(readFd);
            throw new ContainerStartException(e.Message, e);
        }
        finally
        {
            Native.close(writeFd);
        }
        var reader = new FileStream(new SafeFileHandle(readFd, ownsHandle: true), FileAccess.Read, 1);
        var drained = Task.Run(() => PumpAsync(reader, launch));
        return new HostProcess(pid, launch.OwnerToken, exited, drained);
    }

    private async Task PumpAsync(FileStream reader, ContainerLaunch launch)
    {
        await using var _ = reader;
        await using var log = new FileStream(launch.LogPath, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete, 1);
        var buffer = new byte[16 * 1024];
        var pending = new StringBuilder();
        var decoder = Encoding.UTF8.GetDecoder();
        var chars = new char[Encoding.UTF8.GetMaxCharCount(buffer.Length)];
        while (true)
        {
            int n;
            try { n = await reader.ReadAsync(buffer).ConfigureAwait(false); }
            catch (IOException) { break; }
            if (n == 0) break;
            await log.WriteAsync(buffer.AsMemory(0, n)).ConfigureAwait(false);
            var count = decoder.GetChars(buffer, 0, n, chars, 0);
            for (var i = 0; i < count; i++)
            {
                if (chars[i] == '\n')
                {
                    output.WriteLine(launch.PodName, launch.ContainerName, pending.ToString().TrimEnd('\r'));
                    pending.Clear();
                }
                else pending.Append(chars[i]);
            }
        }
        if (pending.Length > 0) output.WriteLine(launch.PodName, launch.ContainerName, pending.ToString());
    }
}

using Microsoft.Win32.SafeHandles;
using MiniKube.Sup.Processes;

namespace MiniKube.Sup.EndToEnd.Networking;

/// <summary>A process in a fresh network namespace of its own (unshare --net, started by the daemon's spawner)
/// whose loopback is up: a pod's network without a container engine. Killed and reaped on dispose.</summary>
internal sealed class ScratchNetworkNamespace : IAsyncDisposable
{
    private readonly Task<ExitStatus> _exited;

    private ScratchNetworkNamespace(int pid, Task<ExitStatus> exited)
    {
        Pid = pid;
        _exited = exited;
    }

    /// <summary>A process in the namespace (the pid that podman would give as its infra container's).</summary>
    public int Pid { get; }

    public static async Task<ScratchNetworkNamespace> StartAsync()
    {
        Assert.Equal(0, Processes.Native.CreatePipe(out var readFd, out var writeFd));
        int pid;
        Task<ExitStatus> exited;
        try
        {
            // The loopback comes up inside before "up" is printed: once it is read, the namespace is ready.
            (pid, exited) = ChildReaper.Shared.SpawnWatched(() => ProcessSpawner.Spawn(new SpawnRequest("/usr/bin/unshare",
                ["unshare", "--net", "--", "/bin/sh", "-c", "ip link set lo up && echo up && exec sleep 3600"], ["PATH=/usr/sbin:/usr/bin:/sbin:/bin"], "/", writeFd)));
        }
        finally
        {
            Processes.Native.close(writeFd);
        }
        var scratch = new ScratchNetworkNamespace(pid, exited);
        using var reader = new StreamReader(new FileStream(new SafeFileHandle(readFd, ownsHandle: true), FileAccess.Read));
        var line = await reader.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(30));
        if (line != "up")
        {
            await scratch.DisposeAsync();
            Assert.Fail($"unshare --net did not bring its loopback up: {line}{await reader.ReadToEndAsync()}");
        }
        return scratch;
    }

    public async ValueTask DisposeAsync()
    {
        Processes.Native.kill(Pid, Processes.Native.SIGKILL);
        await _exited.WaitAsync(TimeSpan.FromSeconds(30));
    }
}

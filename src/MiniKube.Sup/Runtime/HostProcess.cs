using MiniKube.Sup.Processes;

namespace MiniKube.Sup.Runtime;

/// <summary>
/// One running container instance: its master process (pid = process group id = session id), the task that
/// completes when the master exits (watched by pid through the reaper, never through its pipes: a worker can
/// hold them open), and the task that completes when all output has been copied to the log.
/// </summary>
public sealed class HostProcess : IContainerInstance
{
    private static readonly TimeSpan KillPollInterval = TimeSpan.FromMilliseconds(10);

    internal HostProcess(int pid, string ownerToken, Task<ExitStatus> exited, Task outputDrained)
    {
        Pid = pid;
        OwnerToken = ownerToken;
        Exited = exited;
        OutputDrained = outputDrained;
    }

    public int Pid { get; }

    public string OwnerToken { get; }

    public Task<ExitStatus> Exited { get; }

    public Task OutputDrained { get; }

    /// <summary>Signals the container's process group: the master and every worker that stayed in it. The
    /// master leads its own session, so the group exists as long as any of its members does.</summary>
    public void SignalGroup(int signal) => Native.kill(-Pid, signal);

    /// <summary>The container's live processes right now (master, group, descendants, escaped daemons).</summary>
    public IReadOnlyList<ProcessInfo> Processes() =>
        ContainerProcesses.Find(Pid, OwnerToken, ProcFs.Snapshot(), ReadOwner, Environment.ProcessId, ChildReaper.Shared.IsWatched);

    /// <summary>Sends <paramref name="signal"/> to the group and to every process of the container, including
    /// those that left the group.</summary>
    public void SignalAll(int signal)
    {
        SignalGroup(signal);
        foreach (var p in Processes())
        {
            if (!p.IsZombie) Native.kill(p.Pid, signal);
        }
    }

    /// <summary>As when a container's init process dies: SIGKILL to everything left of the container, repeated
    /// until nothing is left (a fork racing the kill is caught on the next round) or the timeout passes.</summary>
    public async Task KillRemainingAsync(TimeProvider time, TimeSpan timeout)
    {
        var deadline = time.GetUtcNow() + timeout;
        while (true)
        {
            var left = Processes().Where(p => !p.IsZombie).ToList();
            if (left.Count == 0) return;
            Native.kill(-Pid, Native.SIGKILL);
            foreach (var p in left) Native.kill(p.Pid, Native.SIGKILL);
            if (time.GetUtcNow() >= deadline) return;
            await Task.Delay(KillPollInterval, time).ConfigureAwait(false);
            ChildReaper.Shared.Wake();
        }
    }

    internal static string? ReadOwner(int pid) => ProcFs.ReadEnvironmentVariable(pid, ContainerProcesses.OwnerVariable);
}

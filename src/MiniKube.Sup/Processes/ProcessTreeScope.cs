
namespace MiniKube.Sup.Processes;

/// <summary>
/// A container instance without a cgroup (the daemon may not create one): its processes are its master's process
/// group and session, and the orphans that carry its owner mark (we are their subreaper), with their descendants
/// (<see cref="ProcessTable.Container"/>). A process that leaves the session and clears its environment is beyond
/// reach: only a cgroup holds that. Searches share one /proc scan per round (<see cref="SharedProcessTable"/>),
/// and signals go through pidfds to the processes the scan saw (<see cref="ProcessSignal"/>).
/// </summary>
public sealed class ProcessTreeScope(int masterPid, string ownerToken, SharedProcessTable tables) : IProcessScope
{
    private static readonly TimeSpan KillPollInterval = TimeSpan.FromMilliseconds(10);

    public string? CgroupDirectory => null;

    public IReadOnlyList<ProcessInfo> Processes(Func<ProcessTable> table) =>
        table().Container(masterPid, ownerToken).Where(p => !p.IsZombie).ToList();

    /// <summary>The master leads its own session and group, so the group exists as long as any member does.</summary>
    public void KillNow() => Native.kill(-masterPid, Native.SIGKILL);

    /// <summary>The master's group at once (forks racing it included), then each process that left it.</summary>
    public async Task SignalAllAsync(int signal, int? signalledGroup = null)
    {
        if (signalledGroup != masterPid) Native.kill(-masterPid, signal);
        foreach (var p in await LiveAsync().ConfigureAwait(false))
            if (p.Pgid != masterPid) ProcessSignal.Send(p, signal);
    }

    public async Task KillAllAsync(TimeProvider time, TimeSpan timeout)
    {
        var deadline = time.GetUtcNow() + timeout;
        while (true)
        {
            var left = await LiveAsync().ConfigureAwait(false);
            if (left.Count == 0) return;
            Native.kill(-masterPid, Native.SIGKILL);
            foreach (var p in left) ProcessSignal.Send(p, Native.SIGKILL);
            if (time.GetUtcNow() >= deadline) return;
            await Task.Delay(KillPollInterval, time).ConfigureAwait(false);
            ChildReaper.Shared.Wake();
        }
    }

    private async Task<List<ProcessInfo>> LiveAsync() =>
        (await tables.GetAsync().ConfigureAwait(false)).Container(masterPid, ownerToken).Where(p => !p.IsZombie).ToList();
}

namespace MiniKube.Sup.Processes;

/// <summary>
/// Which live processes belong to a container: its master, everything in the master's process group (the
/// session it was spawned into), every descendant of those, and any process that carries the container's
/// owner token in its environment (a daemonizing grandchild leaves the group with setsid and is reparented to
/// us, but keeps the environment it inherited), with its descendants.
/// </summary>
public static class ContainerProcesses
{
    /// <summary>The environment variable that marks every process a container started.</summary>
    public const string OwnerVariable = "SUP_OWNER";

    /// <param name="skipOwnerCheck">pids known not to be orphans (other containers' main processes): their
    /// environment need not be read</param>
    public static IReadOnlyList<ProcessInfo> Find(
        int masterPid, string ownerToken, IReadOnlyList<ProcessInfo> snapshot, Func<int, string?> readOwner, int selfPid,
        Func<int, bool>? skipOwnerCheck = null) =>
        new ProcessTable(snapshot, readOwner, selfPid, skipOwnerCheck).Container(masterPid, ownerToken);

    /// <summary>Every process whose owner token starts with <paramref name="prefix"/>: what a previous run of the
    /// daemon with the same state dir left behind.</summary>
    public static IReadOnlyList<ProcessInfo> FindByOwnerPrefix(string prefix, IReadOnlyList<ProcessInfo> snapshot, Func<int, string?> readOwner, int selfPid)
    {
        var members = new HashSet<int>();
        foreach (var p in snapshot)
        {
            if (p.Pid == selfPid || p.IsZombie) continue;
            if (readOwner(p.Pid) is { } owner && owner.StartsWith(prefix, StringComparison.Ordinal)) members.Add(p.Pid);
        }
        AddDescendants(members, snapshot);
        return snapshot.Where(p => members.Contains(p.Pid)).ToList();
    }

    private static void AddDescendants(HashSet<int> members, IReadOnlyList<ProcessInfo> snapshot)
    {
        bool grew;
        do
        {
            grew = false;
            foreach (var p in snapshot)
            {
                if (!members.Contains(p.Pid) && members.Contains(p.Ppid)) grew |= members.Add(p.Pid);
            }
        } while (grew);
    }
}

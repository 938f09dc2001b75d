namespace MiniKube.Sup.Processes;

/// <summary>
/// One snapshot of the process table, indexed so that finding one container's processes costs what the container
/// has, not what the host has: by process group and session, by parent, and by owner mark (each orphan's
/// environment is read once per snapshot, however many containers look for theirs in it). Used where no cgroup
/// holds a container (see <see cref="ContainerProcesses"/> for what belongs to one).
/// </summary>
public sealed class ProcessTable
{
    private readonly Func<int, string?> _readOwner;
    private readonly Func<int, bool>? _skipOwnerCheck;
    private readonly Dictionary<int, List<ProcessInfo>> _byGroupOrSession = new();
    private readonly Dictionary<int, List<ProcessInfo>> _byParent = new();
    private readonly Dictionary<int, ProcessInfo> _byPid = new();
    private Dictionary<string, List<ProcessInfo>>? _byOwner;

    /// <param name="skipOwnerCheck">pids known not to be orphans (containers' main processes): their environment
    /// is not read</param>
    public ProcessTable(IReadOnlyList<ProcessInfo> processes, Func<int, string?> readOwner, int selfPid, Func<int, bool>? skipOwnerCheck = null)
    {
        All = processes;
        SelfPid = selfPid;
        _readOwner = readOwner;
        _skipOwnerCheck = skipOwnerCheck;
        foreach (var p in processes)
        {
            if (p.Pid == selfPid) continue;
            _byPid[p.Pid] = p;
            Add(_byGroupOrSession, p.Pgid, p);
            if (p.Sid != p.Pgid) Add(_byGroupOrSession, p.Sid, p);
            Add(_byParent, p.Ppid, p);
        }
    }

    public IReadOnlyList<ProcessInfo> All { get; }

    public int SelfPid { get; }

    /// <summary>A fresh snapshot of /proc.</summary>
    public static ProcessTable Live(Func<int, bool>? skipOwnerCheck = null) =>
        new(ProcFs.Snapshot(), pid => ProcFs.ReadEnvironmentVariable(pid, ContainerProcesses.OwnerVariable), Environment.ProcessId, skipOwnerCheck);

    /// <summary>The processes of the container whose main process is <paramref name="masterPid"/>: the master,
    /// its process group and session, orphans (children of ours, the subreaper, or of init) that carry
    /// <paramref name="ownerToken"/>, and all their descendants. Zombies included, as /proc shows them.</summary>
    public IReadOnlyList<ProcessInfo> Container(int masterPid, string ownerToken)
    {
        var members = new Dictionary<int, ProcessInfo>();
        var pending = new Stack<ProcessInfo>();
        void Take(ProcessInfo p)
        {
            if (members.TryAdd(p.Pid, p)) pending.Push(p);
        }
        if (_byPid.TryGetValue(masterPid, out var master)) Take(master);
        foreach (var p in _byGroupOrSession.GetValueOrDefault(masterPid) ?? []) Take(p);
        foreach (var p in Owners().GetValueOrDefault(ownerToken) ?? []) Take(p);
        while (pending.Count > 0)
            foreach (var child in _byParent.GetValueOrDefault(pending.Pop().Pid) ?? []) Take(child);
        return All.Where(p => members.ContainsKey(p.Pid)).ToList();
    }

    /// <summary>Reparented orphans (live children of ours or of init) by their owner mark, read once.</summary>
    private Dictionary<string, List<ProcessInfo>> Owners()
    {
        if (_byOwner is { } known) return known;
        var owners = new Dictionary<string, List<ProcessInfo>>(StringComparer.Ordinal);
        foreach (var parent in new[] { SelfPid, 1 })
        {
            foreach (var p in _byParent.GetValueOrDefault(parent) ?? [])
            {
                if (p.IsZombie || _skipOwnerCheck?.Invoke(p.Pid) == true) continue;
                if (_readOwner(p.Pid) is { } owner) Add(owners, owner, p);
            }
        }
        return _byOwner = owners;
    }

    private static void Add<TKey>(Dictionary<TKey, List<ProcessInfo>> index, TKey key, ProcessInfo p) where TKey : notnull
    {
        if (!index.TryGetValue(key, out var list)) index[key] = list = [];
        list.Add(p);
    }
}

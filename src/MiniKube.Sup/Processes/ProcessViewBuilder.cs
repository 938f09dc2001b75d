namespace MiniKube.Sup.Processes;

/// <summary>Builds the pod → container → process tree of <c>sup ps</c> from one process-table snapshot.</summary>
public static class ProcessViewBuilder
{
    /// <param name="containers">the containers to show, in display order; pods are grouped in order of first
    /// appearance. A MasterPid ≤ 0 means the container is not running (no processes, MasterPid null).</param>
    /// <param name="source">the snapshot; a fresh one of /proc when null</param>
    /// <param name="cpuPercent">CPU % by pid (from <see cref="CpuSampler"/>); 0 for pids it lacks or when null</param>
    public static IReadOnlyList<ProcessViewPod> Build(
        IReadOnlyList<(string Pod, string Container, int MasterPid, string OwnerToken)> containers,
        ProcessViewSource? source = null,
        IReadOnlyDictionary<int, double>? cpuPercent = null)
    {
        source ??= ProcessViewSource.Live();
        // Other containers' masters are known not to be escaped daemons: their environment need not be read.
        var masters = containers.Where(c => c.MasterPid > 0).Select(c => c.MasterPid).ToHashSet();
        var table = new ProcessTable(source.Processes, source.ReadOwner, source.SelfPid, masters.Contains);
        return BuildFromMembers(
            containers.Select(c => (c.Pod, c.Container, c.MasterPid, c.MasterPid > 0 ? table.Container(c.MasterPid, c.OwnerToken) : (IReadOnlyList<ProcessInfo>)[])).ToList(),
            source.ReadCommandLine, source.PageSize, cpuPercent, source.ReadUser);
    }

    /// <summary>The view of containers whose processes are known (from their cgroups, or a search).</summary>
    /// <param name="containers">in display order; a MasterPid ≤ 0 means the container is not running</param>
    public static IReadOnlyList<ProcessViewPod> BuildFromMembers(
        IReadOnlyList<(string Pod, string Container, int MasterPid, IReadOnlyList<ProcessInfo> Members)> containers,
        Func<int, string> readCommandLine, long pageSize, IReadOnlyDictionary<int, double>? cpuPercent = null, Func<int, string>? readUser = null)
    {
        var pods = new List<(string Name, List<ProcessViewContainer> Containers)>();
        foreach (var c in containers)
        {
            var index = pods.FindIndex(p => p.Name == c.Pod);
            if (index < 0)
            {
                pods.Add((c.Pod, []));
                index = pods.Count - 1;
            }
            pods[index].Containers.Add(BuildContainer(c.Container, c.MasterPid, c.Members, readCommandLine, pageSize, cpuPercent, readUser));
        }
        return pods.Select(p => new ProcessViewPod(p.Name, p.Containers)).ToList();
    }

    private static ProcessViewContainer BuildContainer(
        string name, int masterPid, IReadOnlyList<ProcessInfo> members, Func<int, string> readCommandLine, long pageSize, IReadOnlyDictionary<int, double>? cpu,
        Func<int, string>? readUser)
    {
        if (masterPid <= 0) return new ProcessViewContainer(name, null, []);
        var byPid = members.ToDictionary(p => p.Pid);
        var children = members.Where(p => p.Pid != masterPid && byPid.ContainsKey(p.Ppid))
            .GroupBy(p => p.Ppid)
            .ToDictionary(g => g.Key, g => g.OrderBy(p => p.Pid).ToList());
        // Roots: the master, then processes whose parent is not in the container (escaped daemons, or workers
        // left behind by a master that died), by pid.
        var roots = members.Where(p => p.Pid == masterPid || !byPid.ContainsKey(p.Ppid))
            .OrderBy(p => p.Pid == masterPid ? 0 : 1).ThenBy(p => p.Pid).ToList();
        var rows = new List<ProcessViewProcess>(members.Count);
        var seen = new HashSet<int>();
        foreach (var root in roots)
            Visit(root, root.Pid == masterPid ? 0 : 1);
        return new ProcessViewContainer(name, masterPid, rows);

        void Visit(ProcessInfo p, int depth)
        {
            if (!seen.Add(p.Pid)) return;
            var command = readCommandLine(p.Pid);
            if (string.IsNullOrEmpty(command)) command = $"[{p.Comm}]";
            rows.Add(new ProcessViewProcess(
                p.Pid, p.Ppid, p.Pid == masterPid ? ProcessViewRoles.Master : ProcessViewRoles.Worker, p.State,
                cpu?.GetValueOrDefault(p.Pid) ?? 0, p.RssPages * pageSize, command, depth, readUser?.Invoke(p.Pid) ?? ""));
            if (children.TryGetValue(p.Pid, out var kids))
                foreach (var kid in kids) Visit(kid, depth + 1);
        }
    }
}

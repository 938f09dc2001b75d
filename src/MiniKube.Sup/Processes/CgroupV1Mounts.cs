namespace MiniKube.Sup.Processes;

/// <summary>Where this process's cgroup of one v1 controller is: the "cgroup" mount whose options name the controller
/// (/sys/fs/cgroup/memory, /sys/fs/cgroup/cpu,cpuacct) joined with the process's path in that hierarchy (the
/// "N:memory:PATH" line of /proc/self/cgroup, which may be nested: /process_api/ID).</summary>
public static class CgroupV1Mounts
{
    /// <returns>the directory, or null (<paramref name="problem"/> says why)</returns>
    public static string? OwnDirectory(string controller, string mountinfo, string cgroup, out string? problem)
    {
        string? own = null;
        foreach (var line in cgroup.Split('\n'))
        {
            var parts = line.Split(':', 3);
            if (parts.Length == 3 && parts[1].Split(',').Contains(controller)) own = parts[2].Trim();
        }
        if (own is null || own.Length == 0 || own[0] != '/')
        {
            problem = $"no cgroup v1 {controller} controller (/proc/self/cgroup names no {controller} hierarchy)";
            return null;
        }
        foreach (var line in mountinfo.Split('\n'))
        {
            var separator = line.IndexOf(" - ", StringComparison.Ordinal);
            if (separator < 0) continue;
            var after = line[(separator + 3)..].Split(' ');
            if (after.Length < 3 || after[0] != "cgroup" || !after[2].Split(',').Contains(controller)) continue;
            var before = line[..separator].Split(' ');
            if (before.Length < 5) continue;
            var (root, mountPoint) = (before[3], before[4]);
            string relative;
            if (root == "/") relative = own;
            else if (own == root) relative = "/";
            else if (own.StartsWith(root + "/", StringComparison.Ordinal)) relative = own[root.Length..];
            else continue;
            problem = null;
            return relative == "/" ? mountPoint : mountPoint.TrimEnd('/') + relative;
        }
        problem = $"no cgroup v1 {controller} mount shows this process's cgroup ({own})";
        return null;
    }
}

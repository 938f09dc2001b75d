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
        if (own.EndsWith(" (deleted)", StringComparison.Ordinal) || own.Split('/').Contains(".."))
        {
            problem = $"this process's cgroup v1 {controller} path is outside this cgroup namespace or deleted ({own})";
            return null;
        }
        foreach (var mount in CgroupMounts.Parse(mountinfo).Where(m => m.FsType == "cgroup" && m.SuperOptions.Contains(controller)))
        {
            if (CgroupMounts.DirectoryOf(mount, own) is not { } directory) continue;
            problem = null;
            return directory;
        }
        problem = $"no cgroup v1 {controller} mount shows this process's cgroup ({own})";
        return null;
    }
}

namespace MiniKube.Sup.Processes;

/// <summary>
/// Where this process's cgroup v2 directory is: the cgroup2 mount (from /proc/self/mountinfo: it is
/// /sys/fs/cgroup on a pure v2 system, /sys/fs/cgroup/unified beside v1 controllers) joined with the process's own
/// v2 path (the "0::PATH" line of /proc/self/cgroup, relative to the mount's root).
/// </summary>
/// <param name="Directory">the process's own cgroup directory</param>
/// <param name="Path">the same, as /proc/PID/cgroup shows it ("/" for the root)</param>
public sealed record CgroupLocation(string Directory, string Path)
{
    /// <summary>This process's location, or null (<paramref name="problem"/> says why).</summary>
    public static CgroupLocation? Current(out string? problem)
    {
        string mountinfo, cgroup;
        try
        {
            mountinfo = File.ReadAllText("/proc/self/mountinfo");
            cgroup = File.ReadAllText("/proc/self/cgroup");
        }
        catch (IOException e)
        {
            problem = e.Message;
            return null;
        }
        return Parse(mountinfo, cgroup, out problem);
    }

    /// <summary>The location from the text of /proc/self/mountinfo and /proc/self/cgroup.</summary>
    public static CgroupLocation? Parse(string mountinfo, string cgroup, out string? problem)
    {
        var own = cgroup.Split('\n').FirstOrDefault(l => l.StartsWith("0::", StringComparison.Ordinal))?[3..].Trim();
        if (string.IsNullOrEmpty(own) || own[0] != '/')
        {
            problem = "this process is in no cgroup v2 hierarchy (/proc/self/cgroup has no \"0::\" line)";
            return null;
        }
        if (own.EndsWith(" (deleted)", StringComparison.Ordinal) || own.Split('/').Contains(".."))
        {
            problem = $"this process's cgroup v2 path is outside this cgroup namespace or deleted ({own})";
            return null;
        }
        var sawMount = false;
        foreach (var mount in CgroupMounts.Parse(mountinfo).Where(m => m.FsType == "cgroup2"))
        {
            sawMount = true;
            if (CgroupMounts.DirectoryOf(mount, own) is not { } directory) continue;
            problem = null;
            return new CgroupLocation(directory, own);
        }
        problem = sawMount ? $"no cgroup2 mount shows this process's cgroup ({own})" : "no cgroup2 file system is mounted";
        return null;
    }
}

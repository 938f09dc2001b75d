using System.Globalization;
using MiniKube.Sup.Processes;

namespace MiniKube.Sup.Api.ResourceMetrics;

/// <summary>
/// A container's CPU time and working set from its cgroup, as the kubelet (cAdvisor) reads them, when the container
/// has a cgroup of its own: a podman/docker container, or a host container given a memory or CPU limit. The
/// cgroup is the one its main process is in (/proc/PID/cgroup), per controller under v1 (cpuacct, memory) or the
/// one unified cgroup under v2; it counts as the container's own only if every process it holds is one of the
/// container's (the daemon's own cgroup, or the root, holds others: then the caller sums the processes instead).
/// Working set = usage − inactive file pages, never below 0 (k8s: the memory the kernel cannot easily reclaim).
/// </summary>
public static class CgroupUsage
{
    public const string Root = "/sys/fs/cgroup";

    /// <param name="members">the container's processes (from its cgroup, or a search)</param>
    public static (long? CpuNanoseconds, long? WorkingSetBytes) Read(int masterPid, IReadOnlySet<int> members, string root = Root)
    {
        string[] lines;
        try { lines = File.ReadAllLines($"/proc/{masterPid}/cgroup"); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return (null, null); }
        return Read(lines, members, root);
    }

    /// <param name="cgroupLines">the lines of /proc/PID/cgroup ("ID:controllers:path")</param>
    public static (long? CpuNanoseconds, long? WorkingSetBytes) Read(IEnumerable<string> cgroupLines, IReadOnlySet<int> members, string root)
    {
        var paths = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in cgroupLines)
        {
            var parts = line.Split(':', 3);
            if (parts.Length != 3) continue;
            foreach (var controller in parts[1].Split(',')) paths[controller] = parts[2];
        }
        var unified = paths.TryGetValue("", out var u) && u != "/"
            ? new[] { root, Path.Combine(root, "unified") }.Select(r => Path.Combine(r, u.TrimStart('/'))).FirstOrDefault(d => File.Exists(Path.Combine(d, "cgroup.procs")))
            : null;
        string? V1(string controller) => paths.TryGetValue(controller, out var p) && p != "/" ? Path.Combine(root, controller, p.TrimStart('/')) : null;

        long? cpu = null, memory = null;
        if (V1("cpuacct") is { } cpuacct && Own(cpuacct, members)) cpu = Number(Path.Combine(cpuacct, "cpuacct.usage"));
        else if (unified is not null && Own(unified, members) && StatValue(Path.Combine(unified, "cpu.stat"), "usage_usec") is { } usec) cpu = usec * 1000;
        if (V1("memory") is { } mem && Own(mem, members) && Number(Path.Combine(mem, "memory.usage_in_bytes")) is { } usage)
            memory = Math.Max(0, usage - (StatValue(Path.Combine(mem, "memory.stat"), "total_inactive_file") ?? 0));
        else if (unified is not null && Own(unified, members) && Number(Path.Combine(unified, "memory.current")) is { } current)
            memory = Math.Max(0, current - (StatValue(Path.Combine(unified, "memory.stat"), "inactive_file") ?? 0));
        return (cpu, memory);
    }

    /// <summary>Whether the cgroup holds only the container's processes (and at least one).</summary>
    private static bool Own(string directory, IReadOnlySet<int> members)
    {
        var pids = CgroupFile.ReadPids(Path.Combine(directory, "cgroup.procs"));
        return pids.Count > 0 && pids.All(members.Contains);
    }

    private static long? Number(string path)
    {
        try { return long.TryParse(File.ReadAllText(path).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : null; }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return null; }
    }

    /// <summary>The value of a "key value" line of a stat file (memory.stat, cpu.stat).</summary>
    public static long? StatValue(string path, string key)
    {
        try
        {
            foreach (var line in File.ReadLines(path))
                if (line.StartsWith(key + " ", StringComparison.Ordinal)
                    && long.TryParse(line.AsSpan(key.Length + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var v)) return v;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        return null;
    }
}

namespace MiniKube.Sup.Runtime.Engine;

/// <summary>
/// Where an engine container's cgroup is on this host, read from its main process's /proc/PID/cgroup (the engine
/// reports no path before the container runs): under cgroup v1 one directory per hierarchy, of which the pids one
/// lists its processes and the memory one holds its memory limit; under v2 (or v1's unified hierarchy) one.
/// </summary>
internal sealed class EngineCgroup
{
    private const string Root = "/sys/fs/cgroup";

    private EngineCgroup(string processes, string memory)
    {
        ProcessesDirectory = processes;
        MemoryDirectory = memory;
    }

    /// <summary>The directory whose cgroup.procs lists the container's processes.</summary>
    public string ProcessesDirectory { get; }

    /// <summary>The directory a command run in the container joins, so that the container's memory limit counts it.</summary>
    public string MemoryDirectory { get; }

    public static EngineCgroup? OfProcess(int pid)
    {
        string[] lines;
        try { lines = File.ReadAllLines($"/proc/{pid}/cgroup"); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return null; }
        return Parse(lines, Directory.Exists);
    }

    /// <summary>From the lines of /proc/PID/cgroup ("ID:controllers:path").</summary>
    internal static EngineCgroup? Parse(IEnumerable<string> lines, Func<string, bool> exists)
    {
        var paths = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in lines)
        {
            var parts = line.Split(':', 3);
            if (parts.Length != 3) continue;
            foreach (var controller in parts[1].Split(',')) paths[controller] = parts[2];
        }
        string? V1(string controller) =>
            paths.TryGetValue(controller, out var p) && Path.Combine(Root, controller, p.TrimStart('/')) is var dir && exists(dir) ? dir : null;
        string? Unified()
        {
            if (!paths.TryGetValue("", out var p)) return null;
            foreach (var root in new[] { Root, Path.Combine(Root, "unified") })
                if (Path.Combine(root, p.TrimStart('/')) is var dir && exists(Path.Combine(root, "cgroup.controllers")) && exists(dir)) return dir;
            return null;
        }
        var unified = Unified();
        var processes = V1("pids") ?? V1("memory") ?? unified;
        var memory = V1("memory") ?? unified ?? processes;
        return processes is null || memory is null ? null : new EngineCgroup(processes, memory);
    }

    public IReadOnlyList<int> ProcessIds() => Processes.CgroupFile.ReadPids(Path.Combine(ProcessesDirectory, "cgroup.procs"));
}

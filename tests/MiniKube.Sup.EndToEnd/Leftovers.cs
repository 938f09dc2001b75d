using MiniKube.Sup.Processes;

namespace MiniKube.Sup.EndToEnd;

/// <summary>Asserts that nothing a test caused is still running: every process we start carries its state
/// dir's owner token, and, where the daemon has cgroups, is in its cgroup tree (a process that cleared its
/// environment is found only there); once the daemon is done, the tree itself is gone.</summary>
internal static class Leftovers
{
    public static async Task AssertNoneAsync(StatePaths paths, bool treeRemoved = true)
    {
        IReadOnlyList<string> left = [];
        for (var i = 0; i < 200; i++)
        {
            left = Find(paths, treeRemoved);
            if (left.Count == 0) break;
            await Task.Delay(10);
        }
        // Each kind of leftover is reported, then cleared away: one failing test must not leave what disturbs the
        // tests after it (an adopted container is no child of the daemon process a test's clean-up kills; a podman
        // pod left running keeps its published address, which a later test's pod is given).
        var problems = new List<string>();
        if (left.Count > 0)
        {
            await CleanAsync(paths);
            problems.Add("left behind: " + string.Join(", ", left));
        }
        // Nor the daemon's nftables table of Service rules (where it could make one: root, with nft).
        if (await KernelRules.TableAsync(paths) is { } table)
        {
            await KernelRules.RemoveAsync(paths); // its DNAT rules would route the addresses a later daemon is given
            problems.Add($"left behind: nftables table {table.Split('\n')[0]}");
        }
        // Nor anything in a container engine that carries the daemon's label (docker where its daemon answers).
        var label = $"{Runtime.Engine.EngineLabels.Daemon}={paths.DaemonId}";
        List<Containers.TestEngine> engines = [];
        if (PodmanInstalled) engines.Add(Containers.TestEngine.Podman);
        if (await Containers.TestEngine.Docker.ProblemAsync() is null) engines.Add(Containers.TestEngine.Docker);
        foreach (var engine in engines)
        {
            if (await engine.LeftoversAsync(label) is not { Length: > 0 } held) continue;
            await engine.RemoveLeftoversAsync(label);
            problems.Add(held);
        }
        if (problems.Count > 0) Assert.Fail(string.Join("\n", problems));
    }

    /// <summary>SIGKILLs every process of the state dir (by its mark and in its cgroups) and removes its cgroups.</summary>
    private static async Task CleanAsync(StatePaths paths)
    {
        var trees = new[] { TreeDirectory(paths) }.Concat(LimitTreeDirectories(paths)).OfType<string>().Where(Directory.Exists).ToList();
        for (var round = 0; round < 50; round++)
        {
            var pids = ContainerProcesses.FindByOwnerPrefix(paths.DaemonId + "/", ProcFs.Snapshot(),
                    pid => ProcFs.ReadEnvironmentVariable(pid, ContainerProcesses.OwnerVariable), Environment.ProcessId)
                .Select(p => p.Pid)
                .Concat(trees.Where(Directory.Exists).SelectMany(t => Directory.EnumerateFiles(t, "cgroup.procs", SearchOption.AllDirectories))
                    .SelectMany(File.ReadAllLines).Where(l => l.Length > 0).Select(int.Parse))
                .Distinct().ToList();
            if (pids.Count == 0) break;
            foreach (var pid in pids) Native.kill(pid, Native.SIGKILL);
            await Task.Delay(20);
        }
        foreach (var tree in trees.Where(Directory.Exists))
            foreach (var dir in Directory.EnumerateDirectories(tree, "*", SearchOption.AllDirectories).OrderByDescending(d => d.Length).Append(tree))
                try { Directory.Delete(dir); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    private static List<string> Find(StatePaths paths, bool treeRemoved)
    {
        var left = ContainerProcesses.FindByOwnerPrefix(paths.DaemonId + "/", ProcFs.Snapshot(),
                pid => ProcFs.ReadEnvironmentVariable(pid, ContainerProcesses.OwnerVariable), Environment.ProcessId)
            .Select(p => $"{p.Pid} {p.Comm} ({p.State})").ToList();
        if (TreeDirectory(paths) is { } tree && Directory.Exists(tree))
        {
            foreach (var procs in Directory.EnumerateFiles(tree, "cgroup.procs", SearchOption.AllDirectories))
            {
                foreach (var pid in File.ReadAllLines(procs).Where(l => l.Length > 0))
                    left.Add($"{pid} {(ProcFs.TryRead(int.Parse(pid), out var p) ? p.Comm : "?")} in {Path.GetDirectoryName(procs)}");
            }
            if (treeRemoved) left.Add($"cgroup {tree} (and {Directory.GetDirectories(tree).Length} below it) not removed");
        }
        foreach (var v1 in LimitTreeDirectories(paths).Where(Directory.Exists))
        {
            foreach (var procs in Directory.EnumerateFiles(v1, "cgroup.procs", SearchOption.AllDirectories))
                foreach (var pid in File.ReadAllLines(procs).Where(l => l.Length > 0))
                    left.Add($"{pid} in {Path.GetDirectoryName(procs)}");
            if (treeRemoved) left.Add($"limit cgroup {v1} (and {Directory.GetDirectories(v1).Length} below it) not removed");
        }
        return left;
    }

    /// <summary>The daemon's v1 limit trees (memory, cpu), where this machine has those hierarchies.</summary>
    public static IEnumerable<string> LimitTreeDirectories(StatePaths paths)
    {
        var mountinfo = File.ReadAllText("/proc/self/mountinfo");
        var cgroup = File.ReadAllText("/proc/self/cgroup");
        foreach (var controller in new[] { LimitHierarchies.MemoryController, LimitHierarchies.CpuController })
            if (CgroupV1Mounts.OwnDirectory(controller, mountinfo, cgroup, out _) is { } own)
                yield return Path.Combine(own, "sup-" + paths.DaemonId);
    }

    /// <summary>The daemon's cgroup tree: daemons of these tests run in this process's cgroup, as does the
    /// in-process harness.</summary>
    public static string? TreeDirectory(StatePaths paths) =>
        CgroupLocation.Current(out _) is { } location ? ContainerCgroups.Locate(location, paths.DaemonId).Directory : null;

    private static readonly bool PodmanInstalled = new[] { "/usr/bin/podman", "/usr/local/bin/podman", "/bin/podman" }.Any(File.Exists);

    public static bool IsGone(int pid) => !ProcFs.TryRead(pid, out _);
}

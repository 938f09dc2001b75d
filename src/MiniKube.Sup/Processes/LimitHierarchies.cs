namespace MiniKube.Sup.Processes;

/// <summary>
/// Where the daemon can limit its host containers' memory and cpu (k8s resources.limits), chosen once at start
/// per controller: the cgroup v2 tree where the daemon's own cgroup has the controller (enabled in its
/// cgroup.subtree_control and the tree's: v2's no-internal-processes rule forbids that while the daemon's own cgroup
/// holds processes, unless it is the root), else the controller's v1 hierarchy (nested under the daemon's own
/// cgroup there), else nowhere, with the reason. A limit the daemon cannot apply never stops a pod: it is said.
/// </summary>
public sealed class LimitHierarchies
{
    public const string MemoryController = "memory";
    public const string CpuController = "cpu";
    private static readonly TimeSpan SweepTimeout = TimeSpan.FromSeconds(5);

    private LimitHierarchies(LimitHierarchy? memory, string? memoryProblem, LimitHierarchy? cpu, string? cpuProblem)
    {
        Memory = memory;
        MemoryProblem = memoryProblem;
        Cpu = cpu;
        CpuProblem = cpuProblem;
    }

    public LimitHierarchy? Memory { get; }

    /// <summary>Why memory limits cannot be applied (null when they can).</summary>
    public string? MemoryProblem { get; }

    public LimitHierarchy? Cpu { get; }

    public string? CpuProblem { get; }

    /// <summary>No limits anywhere, for <paramref name="problem"/>.</summary>
    public static LimitHierarchies None(string problem) => new(null, problem, null, problem);

    /// <summary>This process's hierarchies (the v1 trees are created).</summary>
    /// <param name="tree">the daemon's v2 tree, when it has one</param>
    public static LimitHierarchies Detect(string daemonId, ContainerCgroups? tree)
    {
        string mountinfo, cgroup;
        try
        {
            mountinfo = File.ReadAllText("/proc/self/mountinfo");
            cgroup = File.ReadAllText("/proc/self/cgroup");
        }
        catch (IOException e)
        {
            return None(e.Message);
        }
        var ownV2 = tree is null ? null : System.IO.Path.GetDirectoryName(tree.Directory);
        return Detect(daemonId, tree?.Directory, ownV2, mountinfo, cgroup);
    }

    /// <summary>As <see cref="Detect(string, ContainerCgroups?)"/>, from the given texts and directories (tests point
    /// them at a temporary directory standing in for the cgroup file systems).</summary>
    /// <param name="treeV2">the daemon's v2 tree directory (null: none)</param>
    /// <param name="ownV2">the daemon's own v2 cgroup directory (the tree's parent)</param>
    public static LimitHierarchies Detect(string daemonId, string? treeV2, string? ownV2, string mountinfo, string cgroup)
    {
        var (memory, memoryProblem) = Find(MemoryController, daemonId, treeV2, ownV2, mountinfo, cgroup);
        var (cpu, cpuProblem) = Find(CpuController, daemonId, treeV2, ownV2, mountinfo, cgroup);
        return new LimitHierarchies(memory, memoryProblem, cpu, cpuProblem);
    }

    private static (LimitHierarchy?, string?) Find(string controller, string daemonId, string? treeV2, string? ownV2, string mountinfo, string cgroup)
    {
        string? v2Problem = null;
        if (treeV2 is not null && ownV2 is not null)
        {
            if (EnableV2(controller, treeV2, ownV2) is not { } problem) return (new LimitHierarchy(controller, treeV2, IsV2: true), null);
            v2Problem = problem;
        }
        if (CgroupV1Mounts.OwnDirectory(controller, mountinfo, cgroup, out var v1Problem) is not { } own)
            return (null, v2Problem is null ? v1Problem : $"{v2Problem}; {v1Problem}");
        var directory = System.IO.Path.Combine(own, "sup-" + daemonId);
        try
        {
            System.IO.Directory.CreateDirectory(directory);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return (null, $"cannot create cgroup {directory}: {e.Message}");
        }
        return (new LimitHierarchy(controller, directory, IsV2: false), null);
    }

    /// <summary>Enables <paramref name="controller"/> for the daemon's v2 tree: in its own cgroup's subtree_control
    /// (the tree's parent), then in the tree's (for the containers' cgroups below it).</summary>
    /// <returns>null, or why it cannot be</returns>
    private static string? EnableV2(string controller, string tree, string own)
    {
        string available;
        try { available = File.ReadAllText(System.IO.Path.Combine(own, "cgroup.controllers")); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return $"cgroup v2: {e.Message}"; }
        if (!available.Split(' ', '\n').Contains(controller))
            return $"cgroup v2: the {controller} controller is not available in the daemon's cgroup {own} (its cgroup.controllers)";
        foreach (var directory in new[] { own, tree })
        {
            if (Enabled(directory, controller)) continue;
            if (CgroupFile.Write(System.IO.Path.Combine(directory, "cgroup.subtree_control"), "+" + controller) is { } problem)
                return directory == own && problem.Contains("EBUSY", StringComparison.Ordinal)
                    ? $"cgroup v2: cannot enable {controller} below {own}: {problem} (the daemon's own cgroup holds processes; start it in a cgroup of its own)"
                    : $"cgroup v2: cannot enable {controller} in {directory}: {problem}";
        }
        return null;
    }

    private static bool Enabled(string directory, string controller)
    {
        try { return File.ReadAllText(System.IO.Path.Combine(directory, "cgroup.subtree_control")).Split(' ', '\n').Contains(controller); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return false; }
    }

    /// <summary>One line for the daemon's log.</summary>
    public string Description =>
        $"memory limits: {Memory?.Description ?? "none (" + MemoryProblem + ")"}; cpu limits: {Cpu?.Description ?? "none (" + CpuProblem + ")"}";

    /// <summary>Makes the cgroups that hold the limits of one container instance (no files written yet: see
    /// <see cref="ContainerLimitCgroups.Apply"/>).</summary>
    /// <param name="name">the instance's cgroup name (<see cref="CgroupName"/>)</param>
    /// <param name="membership">the instance's v2 cgroup directory, where v2 limits go (null: none)</param>
    public ContainerLimitCgroups Create(string name, string? membership, long? memoryBytes, decimal? cpus)
    {
        var result = new ContainerLimitCgroups();
        if (memoryBytes is { } bytes) result.Place(MemoryController, Memory, MemoryProblem, name, membership, $"memory {CgroupLimitValues.Bytes(bytes)}", CgroupLimitValues.Memory(bytes));
        if (cpus is { } c) result.Place(CpuController, Cpu, CpuProblem, name, membership, $"cpu {CgroupLimitValues.Cpu(c)}", CgroupLimitValues.CpuMax(c));
        return result;
    }

    /// <summary>At start: kills what a killed daemon left in its v1 limit cgroups and removes them (the v2 tree has
    /// its own sweep, <see cref="ContainerCgroups.KillAllAsync"/>).</summary>
    /// <returns>the pids killed</returns>
    /// <param name="keep">the instance cgroups of adopted containers: left as they are</param>
    public async Task<IReadOnlyList<int>> KillLeftoversAsync(TimeProvider time, IReadOnlySet<string>? keep = null)
    {
        var killed = new List<int>();
        foreach (var hierarchy in V1())
            foreach (var directory in hierarchy.Existing())
            {
                if (keep?.Contains(System.IO.Path.GetFileName(directory)) == true) continue;
                killed.AddRange(CgroupFile.ReadPids(System.IO.Path.Combine(directory, "cgroup.procs")));
                await ContainerLimitCgroups.KillAndRemoveAsync(directory, time, SweepTimeout).ConfigureAwait(false);
            }
        return killed;
    }

    /// <summary>At the end: removes the v1 trees (and any instance cgroup a clean-up missed).</summary>
    public async Task ReleaseAsync(TimeProvider time)
    {
        await KillLeftoversAsync(time).ConfigureAwait(false);
        foreach (var hierarchy in V1()) ContainerCgroup.TryRemoveDirectory(hierarchy.Directory);
    }

    private IEnumerable<LimitHierarchy> V1() =>
        new[] { Memory, Cpu }.OfType<LimitHierarchy>().Where(h => !h.IsV2);
}

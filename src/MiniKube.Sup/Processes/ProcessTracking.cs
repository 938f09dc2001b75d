
namespace MiniKube.Sup.Processes;

/// <summary>
/// How this daemon holds the processes of its containers, chosen once at start: a cgroup v2 per container
/// instance under its own cgroup where it may create them (<see cref="ContainerCgroups"/>), else each container's
/// process group and session, its owner mark (SUP_OWNER) and the subreaper's parent chain. The environment
/// variable SUP_CGROUPS=0 forces the latter (to compare, or where cgroups are managed by someone else).
/// </summary>
public sealed class ProcessTracking
{
    public const string DisableVariable = "SUP_CGROUPS";

    private readonly string _daemonId;

    private ProcessTracking(string daemonId, ContainerCgroups? cgroups, string? problem)
    {
        _daemonId = daemonId;
        Cgroups = cgroups;
        Problem = problem;
    }

    /// <summary>The daemon's cgroup tree, or null when it has none.</summary>
    public ContainerCgroups? Cgroups { get; }

    /// <summary>Why there is no cgroup tree.</summary>
    public string? Problem { get; }

    public static ProcessTracking Detect(string daemonId)
    {
        if (Environment.GetEnvironmentVariable(DisableVariable) == "0")
            return new ProcessTracking(daemonId, null, $"{DisableVariable}=0");
        var cgroups = ContainerCgroups.TryCreate(daemonId, out var problem);
        return new ProcessTracking(daemonId, cgroups, problem);
    }

    /// <summary>One line for the daemon's log: which mechanism is in use, and why.</summary>
    public string Description => Cgroups is { } c
        ? $"each container in a cgroup of its own under {c.Directory} (cgroup v2{(c.HasKill ? ", cgroup.kill" : ", no cgroup.kill: killed process by process")})"
        : $"no cgroups ({Problem}): containers are tracked by process group and session, the SUP_OWNER mark and the subreaper's parent chain; a process that leaves its session and clears its environment escapes";

    /// <summary>The cgroup for a container instance about to start, or null without cgroups.</summary>
    /// <exception cref="IOException">the cgroup cannot be created</exception>
    public ContainerCgroup? CreateCgroup(string pod, string podUid, string container, int instance) =>
        Cgroups?.Create(CgroupName.For(pod, podUid, container, instance));

    /// <summary>The scope of an instance once its master runs.</summary>
    public IProcessScope Scope(ContainerCgroup? cgroup, int masterPid, string ownerToken) =>
        cgroup is not null ? new CgroupScope(cgroup) : new ProcessTreeScope(masterPid, ownerToken, SharedProcessTable.Shared);

    /// <summary>At start: kills whatever an earlier run with the same state dir left running (it crashed, or was
    /// SIGKILLed): everything in its cgroups, and every process carrying its owner mark.</summary>
    /// <returns>the pids killed</returns>
    public async Task<IReadOnlyList<int>> KillLeftoversAsync(TimeProvider time)
    {
        var killed = new List<int>();
        if (Cgroups is { } cgroups) killed.AddRange(await cgroups.KillAllAsync(time, removeTree: false).ConfigureAwait(false));
        killed.AddRange(OrphanSweeper.KillLeftovers(_daemonId).Select(p => p.Pid));
        return killed.Distinct().ToList();
    }

    /// <summary>At the end, once every container is down: kills what a clean-up missed and removes the tree.</summary>
    public async Task ReleaseAsync(TimeProvider time)
    {
        if (Cgroups is { } cgroups) await cgroups.KillAllAsync(time, removeTree: true).ConfigureAwait(false);
    }
}

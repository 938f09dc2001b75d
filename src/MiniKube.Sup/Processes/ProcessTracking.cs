
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

    private ProcessTracking(string daemonId, ContainerCgroups? cgroups, string? problem, LimitHierarchies limits)
    {
        _daemonId = daemonId;
        Cgroups = cgroups;
        Problem = problem;
        Limits = limits;
    }

    /// <summary>Where host containers' memory and cpu limits go (k8s resources.limits), or why they cannot.</summary>
    public LimitHierarchies Limits { get; }

    /// <summary>The daemon's cgroup tree, or null when it has none.</summary>
    public ContainerCgroups? Cgroups { get; }

    /// <summary>Why there is no cgroup tree.</summary>
    public string? Problem { get; }

    public static ProcessTracking Detect(string daemonId)
    {
        if (Environment.GetEnvironmentVariable(DisableVariable) == "0")
            return new ProcessTracking(daemonId, null, $"{DisableVariable}=0", LimitHierarchies.None($"{DisableVariable}=0"));
        var cgroups = ContainerCgroups.TryCreate(daemonId, out var problem);
        // A v1 limit cgroup is joined while the child is held before exec, as the v2 one is: no gate, no limits.
        var limits = SpawnGate.Shared is null
            ? LimitHierarchies.None("a new process cannot be held before it starts: " + SpawnGate.Problem)
            : LimitHierarchies.Detect(daemonId, cgroups);
        return new ProcessTracking(daemonId, cgroups, problem, limits);
    }

    /// <summary>One line for the daemon's log: which mechanism is in use, and why.</summary>
    public string Description => Membership + "; " + Limits.Description;

    private string Membership => Cgroups is { } c
        ? $"each container in a cgroup of its own under {c.Directory} (cgroup v2{(c.HasKill ? ", cgroup.kill" : ", no cgroup.kill: killed process by process")})"
        : $"no cgroups ({Problem}): containers are tracked by process group and session, the SUP_OWNER mark and the subreaper's parent chain; a process that leaves its session and clears its environment escapes";

    /// <summary>The cgroups holding the limits of a container instance about to start; null when it asks for none.</summary>
    public ContainerLimitCgroups? CreateLimits(string pod, string podUid, string container, int instance, ContainerCgroup? membership, long? memoryBytes, decimal? cpus) =>
        memoryBytes is null && cpus is null ? null
            : Limits.Create(CgroupName.For(pod, podUid, container, instance), membership?.Directory, memoryBytes, cpus);

    /// <summary>The cgroup for a container instance about to start, or null without cgroups.</summary>
    /// <exception cref="IOException">the cgroup cannot be created</exception>
    public ContainerCgroup? CreateCgroup(string pod, string podUid, string container, int instance) =>
        Cgroups?.Create(CgroupName.For(pod, podUid, container, instance));

    /// <summary>The cgroup an earlier daemon made for a container instance it left running, if
    /// <paramref name="masterPid"/> is in it.</summary>
    public ContainerCgroup? ExistingCgroup(string pod, string podUid, string container, int instance, int masterPid) =>
        Cgroups?.Existing(CgroupName.For(pod, podUid, container, instance)) is { } cgroup && cgroup.IsMember(masterPid) ? cgroup : null;

    /// <summary>The scope of an instance once its master runs.</summary>
    public IProcessScope Scope(ContainerCgroup? cgroup, int masterPid, string ownerToken) =>
        cgroup is not null ? new CgroupScope(cgroup) : new ProcessTreeScope(masterPid, ownerToken, SharedProcessTable.Shared);

    /// <summary>At start: kills whatever an earlier run with the same state dir left running (it crashed, was
    /// SIGKILLed, or stopped with --keep-running) and this one does not adopt: everything in its cgroups, and every
    /// process carrying its owner mark, but the instances whose owner marks are in <paramref name="adopted"/>.</summary>
    /// <returns>the pids killed</returns>
    public async Task<IReadOnlyList<int>> KillLeftoversAsync(TimeProvider time, IReadOnlyCollection<AdoptedInstance>? adopted = null)
    {
        adopted ??= [];
        var keepCgroups = adopted.Select(a => CgroupName.For(a.Pod, a.PodUid, a.Container, a.Instance)).ToHashSet(StringComparer.Ordinal);
        var keepOwners = adopted.Select(a => a.OwnerToken).ToHashSet(StringComparer.Ordinal);
        var killed = new List<int>();
        if (Cgroups is { } cgroups) killed.AddRange(await cgroups.KillAllAsync(time, removeTree: false, keep: keepCgroups).ConfigureAwait(false));
        killed.AddRange(await Limits.KillLeftoversAsync(time, keepCgroups).ConfigureAwait(false));
        killed.AddRange(OrphanSweeper.KillLeftovers(_daemonId, keepOwners).Select(p => p.Pid));
        return killed.Distinct().ToList();
    }

    /// <summary>At the end, once every container is down: kills what a clean-up missed and removes the tree.</summary>
    public async Task ReleaseAsync(TimeProvider time)
    {
        if (Cgroups is { } cgroups) await cgroups.KillAllAsync(time, removeTree: true).ConfigureAwait(false);
        await Limits.ReleaseAsync(time).ConfigureAwait(false);
    }
}

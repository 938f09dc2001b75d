
namespace MiniKube.Sup.Processes;

/// <summary>
/// The daemon's cgroup tree: <c>&lt;its own cgroup&gt;/sup-&lt;daemon id&gt;/&lt;one per container instance&gt;</c>
/// (cgroup v2). Nested under the daemon's own cgroup, so that a delegated subtree (systemd's Delegate=, a user
/// session) is enough and the daemon's own limits cover its containers; named by the state dir's id, so that the
/// next start on that state dir finds what a killed daemon left. No controller is enabled: the tree is for
/// membership and killing (v2's "no internal processes" rule then never applies).
/// </summary>
public sealed class ContainerCgroups
{
    private static readonly TimeSpan SweepTimeout = TimeSpan.FromSeconds(5);

    private ContainerCgroups(string directory, string path, bool hasKill)
    {
        Directory = directory;
        Path = path;
        HasKill = hasKill;
    }

    /// <summary>The tree's directory: &lt;cgroup2 mount&gt;&lt;own cgroup&gt;/sup-&lt;daemon id&gt;.</summary>
    public string Directory { get; }

    /// <summary>The tree as /proc/PID/cgroup names it.</summary>
    public string Path { get; }

    /// <summary>Whether cgroup.kill exists (Linux 5.14).</summary>
    public bool HasKill { get; }

    /// <summary>Where the tree of the daemon with <paramref name="daemonId"/> is (or would be) for a process in
    /// <paramref name="location"/>.</summary>
    public static (string Directory, string Path) Locate(CgroupLocation location, string daemonId)
    {
        var name = "sup-" + daemonId;
        return (System.IO.Path.Combine(location.Directory, name), location.Path.TrimEnd('/') + "/" + name);
    }

    /// <summary>The tree, created if needed, when this process may use cgroups: a cgroup v2 hierarchy, its own
    /// cgroup writable (root, or a delegated subtree), and a way to place a child before it execs
    /// (<see cref="SpawnGate"/>). Otherwise null, and <paramref name="problem"/> says why.</summary>
    public static ContainerCgroups? TryCreate(string daemonId, out string? problem)
    {
        if (CgroupLocation.Current(out problem) is not { } location) return null;
        if (SpawnGate.Shared is null)
        {
            problem = "a new process cannot be held before it starts: " + SpawnGate.Problem;
            return null;
        }
        var (directory, path) = Locate(location, daemonId);
        try
        {
            System.IO.Directory.CreateDirectory(directory);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            problem = $"cannot create cgroup {directory}: {e.Message}";
            return null;
        }
        // Moving a process needs write access to cgroup.procs of both cgroups' common ancestor (our own
        // cgroup): moving ourselves to where we are checks exactly that, and changes nothing.
        if (CgroupFile.Write(System.IO.Path.Combine(location.Directory, "cgroup.procs"), "0") is { } denied)
        {
            ContainerCgroup.TryRemoveDirectory(directory);
            problem = $"cannot move processes between cgroups under {location.Directory}: {denied}";
            return null;
        }
        problem = null;
        return new ContainerCgroups(directory, path, File.Exists(System.IO.Path.Combine(directory, "cgroup.kill")));
    }

    /// <summary>Creates the cgroup of one container instance.</summary>
    /// <exception cref="IOException">it cannot be created (the message says why)</exception>
    public ContainerCgroup Create(string name)
    {
        var directory = System.IO.Path.Combine(Directory, name);
        try
        {
            System.IO.Directory.CreateDirectory(Directory);
            System.IO.Directory.CreateDirectory(directory);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new IOException($"cannot create cgroup {directory}: {e.Message}", e);
        }
        return new ContainerCgroup(directory, Path + "/" + name, HasKill);
    }

    /// <summary>The cgroups in the tree now: what an earlier run left (at start), or what is left at the end.</summary>
    public IReadOnlyList<ContainerCgroup> Existing()
    {
        try
        {
            return System.IO.Directory.EnumerateDirectories(Directory)
                .Select(d => new ContainerCgroup(d, Path + "/" + System.IO.Path.GetFileName(d), HasKill)).ToList();
        }
        catch (DirectoryNotFoundException) { return []; }
    }

    /// <summary>The cgroup <paramref name="name"/> if it exists (one an earlier daemon made).</summary>
    public ContainerCgroup? Existing(string name)
    {
        var directory = System.IO.Path.Combine(Directory, name);
        return System.IO.Directory.Exists(directory) ? new ContainerCgroup(directory, Path + "/" + name, HasKill) : null;
    }

    /// <summary>Kills every process in the tree and removes every cgroup in it (the tree itself stays when
    /// <paramref name="removeTree"/> is false), but the cgroups named in <paramref name="keep"/>: at start, what a
    /// killed daemon left running, whatever it became, and this one does not adopt; at the end, anything a
    /// container's clean-up missed.</summary>
    /// <returns>the pids that were killed</returns>
    public async Task<IReadOnlyList<int>> KillAllAsync(TimeProvider time, bool removeTree, IReadOnlySet<string>? keep = null)
    {
        var killed = new List<int>();
        var cgroups = Existing().Where(c => keep is null || !keep.Contains(System.IO.Path.GetFileName(c.Directory))).ToList();
        foreach (var cgroup in cgroups) killed.AddRange(cgroup.ProcessIds());
        await Task.WhenAll(cgroups.Select(c => c.KillAndRemoveAsync(time, SweepTimeout))).ConfigureAwait(false);
        if (removeTree) ContainerCgroup.TryRemoveDirectory(Directory);
        return killed;
    }

    /// <summary>Whether process <paramref name="pid"/> is in the tree.</summary>
    public bool Contains(int pid) => new ContainerCgroup(Directory, Path, HasKill).IsMember(pid);
}

using System.Globalization;

namespace MiniKube.Sup.Processes;

/// <summary>
/// The limits of one host container instance (k8s resources.limits memory and cpu) in cgroups: its own v2 cgroup's
/// files where the v2 tree has the controller, else a v1 cgroup per controller that the process joins while it is
/// held before exec (<see cref="SpawnGate"/>). Says what applied and what could not, and why; a limit that could
/// not be applied leaves the container running without it. Knows afterwards whether the kernel's OOM killer ended
/// the container (k8s reason OOMKilled).
/// </summary>
public sealed class ContainerLimitCgroups
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(10);
    private readonly List<Target> _targets = [];
    private readonly List<string> _applied = [];
    private readonly List<string> _notApplied = [];

    internal ContainerLimitCgroups() { }

    /// <summary>What applied, one entry per limit ("memory 50Mi (cgroup v1 memory, no swap)").</summary>
    public IReadOnlyList<string> Applied => _applied;

    /// <summary>What could not, and why ("cpu 200m: cannot create cgroup ...: Permission denied").</summary>
    public IReadOnlyList<string> NotApplied => _notApplied;

    /// <summary>The v1 cgroups the process must join before it execs (a v2 limit is in its own cgroup already).</summary>
    public IReadOnlyList<string> JoinDirectories => _targets.Where(t => !t.IsV2 && !t.Failed).Select(t => t.Directory).ToList();

    /// <summary>One sentence for events and describe: "memory 50Mi not applied: WHY; cpu 200m applied (cgroup v1 cpu, ...)".</summary>
    public string Summary =>
        string.Join("; ", _notApplied.Select(n => n.Insert(n.IndexOf(':', StringComparison.Ordinal), " not applied"))
            .Concat(_applied.Select(a => a.Insert(a.IndexOf(" (", StringComparison.Ordinal), " applied"))));

    internal void Place(string controller, LimitHierarchy? hierarchy, string? problem, string name, string? membership, string label, string value)
    {
        if (hierarchy is null)
        {
            _notApplied.Add($"{label}: {problem}");
            return;
        }
        if (hierarchy.IsV2)
        {
            if (membership is null) _notApplied.Add($"{label}: the container has no cgroup v2 of its own");
            else _targets.Add(new Target(controller, membership, IsV2: true, label, value, hierarchy.Description));
            return;
        }
        var directory = Path.Combine(hierarchy.Directory, name);
        try
        {
            Directory.CreateDirectory(hierarchy.Directory);
            Directory.CreateDirectory(directory);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _notApplied.Add($"{label}: cannot create cgroup {directory}: {e.Message}");
            return;
        }
        _targets.Add(new Target(controller, directory, IsV2: false, label, value, hierarchy.Description));
    }

    /// <summary>The process could not join <paramref name="directory"/>: its limit does not apply.</summary>
    public void JoinFailed(string directory, string problem)
    {
        foreach (var target in _targets.Where(t => t.Directory == directory && !t.IsV2 && !t.Failed))
        {
            target.Failed = true;
            _applied.RemoveAll(a => a.StartsWith(target.Label + " (", StringComparison.Ordinal));
            _notApplied.Add($"{target.Label}: cannot move the process into cgroup {directory}: {problem}");
        }
    }

    /// <summary>Writes the limits into the cgroups (before the process joins them).</summary>
    public void Apply()
    {
        foreach (var target in _targets)
        {
            var (writes, note) = Writes(target);
            string? failure = null;
            foreach (var (file, text) in writes)
            {
                if (CgroupFile.Write(Path.Combine(target.Directory, file), text) is { } problem)
                {
                    failure = $"{target.Label}: cannot write {text} to {Path.Combine(target.Directory, file)}: {problem}";
                    break;
                }
            }
            if (failure is not null)
            {
                target.Failed = true;
                _notApplied.Add(failure);
            }
            else _applied.Add($"{target.Label} ({target.Description}{note})");
        }
    }

    /// <summary>The files to write, in order, and what the note on swap says.</summary>
    private static (List<(string File, string Text)>, string) Writes(Target target)
    {
        var writes = new List<(string, string)>();
        var note = "";
        if (target.Controller == LimitHierarchies.MemoryController)
        {
            if (target.IsV2)
            {
                writes.Add(("memory.max", target.Value));
                // k8s: no swap beyond the limit; the whole container goes when the OOM killer strikes (oom.group).
                if (File.Exists(Path.Combine(target.Directory, "memory.swap.max"))) { writes.Add(("memory.swap.max", "0")); note = ", no swap"; }
                if (File.Exists(Path.Combine(target.Directory, "memory.oom.group"))) writes.Add(("memory.oom.group", "1"));
            }
            else
            {
                writes.Add(("memory.limit_in_bytes", target.Value));
                // memsw is memory + swap: the same value leaves no swap (it must not be below limit_in_bytes: after it).
                if (File.Exists(Path.Combine(target.Directory, "memory.memsw.limit_in_bytes"))) { writes.Add(("memory.memsw.limit_in_bytes", target.Value)); note = ", no swap"; }
                else note = ", swap not limited: no memsw accounting";
            }
        }
        else
        {
            var parts = target.Value.Split(' ');
            if (target.IsV2) writes.Add(("cpu.max", target.Value));
            else
            {
                writes.Add(("cpu.cfs_period_us", parts[1]));
                writes.Add(("cpu.cfs_quota_us", parts[0]));
            }
            note = $", {parts[0]} us per {parts[1]} us";
        }
        return (writes, note);
    }

    /// <summary>Whether the kernel's OOM killer killed in the container's memory cgroup, read once its main process
    /// has exited (the cgroup is still there). v2 memory.events and v1 memory.oom_control count oom_kill; a v1
    /// kernel without that counter (before 4.13): the limit was hit and the process died of SIGKILL.</summary>
    public bool OomKilled(ExitStatus status)
    {
        if (_targets.FirstOrDefault(t => t.Controller == LimitHierarchies.MemoryController && !t.Failed) is not { } memory) return false;
        var counter = Path.Combine(memory.Directory, memory.IsV2 ? "memory.events" : "memory.oom_control");
        if (ReadCounter(counter, "oom_kill") is { } kills) return kills > 0;
        return status.Signal == Native.SIGKILL && ReadCounter(Path.Combine(memory.Directory, "memory.failcnt"), null) > 0;
    }

    /// <param name="key">the line's key ("oom_kill"), or null for a file holding one number</param>
    internal static long? ReadCounter(string file, string? key)
    {
        try
        {
            foreach (var line in File.ReadLines(file))
            {
                var text = key is null ? line : line.StartsWith(key + " ", StringComparison.Ordinal) ? line[(key.Length + 1)..] : null;
                if (text is not null && long.TryParse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var n)) return n;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        return null;
    }

    /// <summary>Removes the v1 cgroups once the container's processes are gone (its v2 cgroup goes with its
    /// membership cgroup): whatever is still in them is killed, until <paramref name="timeout"/>.</summary>
    public async Task RemoveAsync(TimeProvider time, TimeSpan timeout)
    {
        foreach (var target in _targets.Where(t => !t.IsV2))
            await KillAndRemoveAsync(target.Directory, time, timeout).ConfigureAwait(false);
    }

    /// <summary>SIGKILL to every process still in a v1 cgroup, until it is empty and removed or the timeout passes.</summary>
    /// <returns>true when it is gone</returns>
    internal static async Task<bool> KillAndRemoveAsync(string directory, TimeProvider time, TimeSpan timeout)
    {
        var procs = Path.Combine(directory, "cgroup.procs");
        var deadline = time.GetUtcNow() + timeout;
        while (true)
        {
            var pids = CgroupFile.ReadPids(procs);
            foreach (var pid in pids) ProcessSignal.Send(pid, Native.SIGKILL, p => CgroupFile.ReadPids(procs).Contains(p));
            // rmdir(2) is refused (EBUSY) while a task is in it; a task that is exiting leaves it within moments.
            if (pids.Count == 0 && ContainerCgroup.TryRemoveDirectory(directory)) return true;
            if (time.GetUtcNow() >= deadline) return false;
            await Task.Delay(PollInterval, time).ConfigureAwait(false);
        }
    }

    private sealed record Target(string Controller, string Directory, bool IsV2, string Label, string Value, string Description)
    {
        public bool Failed { get; set; }
    }
}

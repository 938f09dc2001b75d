
namespace MiniKube.Sup.Processes;

/// <summary>
/// The cgroup (v2) of one container instance. Every process the container starts is born in it, whatever it does
/// with its session, its parent or its environment, so membership is one read of cgroup.procs (and of any cgroup
/// the container made below its own), and a kill reaches all of it at once (cgroup.kill, Linux 5.14; before it,
/// SIGKILL to each member until none is left).
/// </summary>
public sealed class ContainerCgroup
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(10);

    internal ContainerCgroup(string directory, string path, bool hasKill)
    {
        Directory = directory;
        Path = path;
        HasKill = hasKill;
    }

    /// <summary>The cgroup's directory (under the cgroup2 mount).</summary>
    public string Directory { get; }

    /// <summary>The cgroup as /proc/PID/cgroup names it ("/sup-ID/POD_UID_CONTAINER_N").</summary>
    public string Path { get; }

    public bool HasKill { get; }

    /// <summary>The pids of the live processes in this cgroup and below it (a zombie is no longer in any).</summary>
    public IReadOnlyList<int> ProcessIds()
    {
        var pids = CgroupFile.ReadPids(System.IO.Path.Combine(Directory, "cgroup.procs"));
        foreach (var sub in SubCgroups()) pids.AddRange(CgroupFile.ReadPids(System.IO.Path.Combine(sub, "cgroup.procs")));
        return pids;
    }

    /// <summary>Whether any process is left in this cgroup or below it (cgroup.events).</summary>
    public bool IsPopulated()
    {
        try { return File.ReadAllText(System.IO.Path.Combine(Directory, "cgroup.events")).Contains("populated 1", StringComparison.Ordinal); }
        catch (IOException) { return false; } // removed
    }

    /// <summary>Sends <paramref name="signal"/> to each process of the cgroup that is still in it when signalled.</summary>
    /// <param name="signalledGroup">a process group the caller signalled already: its members are not signalled again</param>
    public void Signal(int signal, int? signalledGroup = null)
    {
        if (signal == Native.SIGKILL && HasKill)
        {
            Kill();
            return;
        }
        foreach (var pid in ProcessIds())
        {
            if (signalledGroup is { } group && ProcFs.TryRead(pid, out var p) && p.Pgid == group) continue;
            ProcessSignal.Send(pid, signal, IsMember);
        }
    }

    /// <summary>SIGKILL to every process of the cgroup and below, forks racing it included (cgroup.kill).</summary>
    /// <remarks>Each process is also signalled by pid: a child a killed daemon left held before its exec (blocked
    /// opening its spawn-gate FIFO) was seen to survive a sweep, and a SIGKILL by pid ends it.</remarks>
    public void Kill()
    {
        if (HasKill) CgroupFile.Write(System.IO.Path.Combine(Directory, "cgroup.kill"), "1");
        foreach (var pid in ProcessIds()) ProcessSignal.Send(pid, Native.SIGKILL, IsMember);
    }

    /// <summary>Kills everything in the cgroup and waits until it is empty or <paramref name="timeout"/> has
    /// passed; then removes it.</summary>
    /// <returns>true when the cgroup is empty and gone</returns>
    public async Task<bool> KillAndRemoveAsync(TimeProvider time, TimeSpan timeout)
    {
        var deadline = time.GetUtcNow() + timeout;
        while (true)
        {
            Kill(); // again each round without cgroup.kill: a fork may have raced the previous one
            if (!IsPopulated()) return TryRemove();
            if (time.GetUtcNow() >= deadline) return false;
            await Task.Delay(PollInterval, time).ConfigureAwait(false);
        }
    }

    /// <summary>Removes the cgroup (and any the container made below it) once nothing is in it.</summary>
    public bool TryRemove()
    {
        var subs = SubCgroups();
        for (var i = subs.Count - 1; i >= 0; i--) TryRemoveDirectory(subs[i]);
        return TryRemoveDirectory(Directory);
    }

    /// <summary>Whether process <paramref name="pid"/> is in this cgroup or below it now.</summary>
    public bool IsMember(int pid)
    {
        string text;
        try { text = File.ReadAllText($"/proc/{pid}/cgroup"); }
        catch (IOException) { return false; }
        foreach (var line in text.Split('\n'))
        {
            if (!line.StartsWith("0::", StringComparison.Ordinal)) continue;
            var path = line[3..];
            return path == Path || path.StartsWith(Path + "/", StringComparison.Ordinal);
        }
        return false;
    }

    /// <summary>Cgroups below this one, parents before children (a container running as root may make some).</summary>
    private List<string> SubCgroups()
    {
        var result = new List<string>();
        try
        {
            var pending = new Queue<string>();
            pending.Enqueue(Directory);
            while (pending.Count > 0)
            {
                foreach (var sub in System.IO.Directory.EnumerateDirectories(pending.Dequeue()))
                {
                    result.Add(sub);
                    pending.Enqueue(sub);
                }
            }
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        return result;
    }

    internal static bool TryRemoveDirectory(string directory)
    {
        try
        {
            // rmdir(2): a cgroup directory holds interface files that only rmdir removes with it.
            System.IO.Directory.Delete(directory);
            return true;
        }
        catch (DirectoryNotFoundException) { return true; }
        catch (IOException) { return false; }
        catch (UnauthorizedAccessException) { return false; }
    }
}

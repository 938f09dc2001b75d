using System.Globalization;
using MiniKube.Sup.Processes;

namespace MiniKube.Sup.Runtime.Engine;

/// <summary>
/// Rootless podman's pause process: the first podman command of a user makes a user namespace (its uids mapped from
/// /etc/subuid) and leaves a process in it (<c>catatonit -P</c>) so that every later command joins the same one. It
/// is a daemon of its own (its parent is init) and outlives whoever ran podman. One that this daemon's podman
/// commands brought up is ended when the daemon stops, once none of the user's containers is left (a container of the
/// user's own keeps it); one that was there before the daemon started is the user's and stays.
/// </summary>
public sealed class RootlessPause
{
    /// <summary>The helpers rootless podman leaves to whoever reaps its orphans (the daemon, a subreaper): each pod's
    /// slirp4netns and rootlessport (whose child re-executes itself: "exe"). Started by podman in our session, they
    /// are not told from .NET's children by the reaper until its grace ends (<see cref="ChildReaper.ReapZombiesNamed"/>).</summary>
    public static readonly IReadOnlySet<string> Helpers = new HashSet<string>(StringComparer.Ordinal) { "slirp4netns", "rootlessport", "exe" };

    private readonly HashSet<int> _before;

    private RootlessPause(HashSet<int> before) => _before = before;

    /// <summary>Notes the pause processes there are now: call before the daemon's first podman command.</summary>
    public static RootlessPause Snapshot() => new(Find().ToHashSet());

    /// <summary>Ends the pause process the daemon's commands made, unless the user still has containers.</summary>
    /// <returns>the pids ended</returns>
    public async Task<IReadOnlyList<int>> ReleaseAsync(EngineCommand engine, CancellationToken cancellationToken = default)
    {
        var made = Find().Where(pid => !_before.Contains(pid)).ToList();
        if (made.Count == 0) return [];
        // `ps --all` joins the pause process's namespace (it does not make another while that one lives).
        var containers = await engine.RunAsync(["ps", "--all", "--quiet"], cancellationToken).ConfigureAwait(false);
        if (!containers.Succeeded || containers.Output.Trim().Length > 0) return [];
        foreach (var pid in made) Native.kill(pid, Native.SIGKILL); // it holds a namespace and nothing else
        return made;
    }

    /// <summary>This user's pause processes: <c>catatonit -P</c> (podman's pause), of our uid, in a user namespace
    /// other than ours (a pod's infra container runs <c>/catatonit -P</c>, under another name).</summary>
    private static IEnumerable<int> Find()
    {
        var uid = Native.geteuid();
        var ours = UserNamespace("self");
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            var name = Path.GetFileName(dir);
            if (!int.TryParse(name, NumberStyles.None, CultureInfo.InvariantCulture, out var pid)) continue;
            string[] argv;
            try
            {
                if (OwnerOf(dir) != uid) continue;
                argv = File.ReadAllText(Path.Combine(dir, "cmdline")).Split('\0', StringSplitOptions.RemoveEmptyEntries);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { continue; }
            if (argv is not ["catatonit", "-P"]) continue;
            var ns = UserNamespace(name);
            if (ns is not null && ns != ours) yield return pid;
        }
    }

    /// <summary>The real uid from /proc/PID/status (its "Uid:" line).</summary>
    private static long OwnerOf(string dir)
    {
        foreach (var line in File.ReadLines(Path.Combine(dir, "status")))
            if (line.StartsWith("Uid:", StringComparison.Ordinal))
                return long.Parse(line.AsSpan(4).Trim().ToString().Split('\t')[0], CultureInfo.InvariantCulture);
        return -1;
    }

    private static string? UserNamespace(string pid)
    {
        try { return new FileInfo($"/proc/{pid}/ns/user").LinkTarget; }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return null; }
    }
}

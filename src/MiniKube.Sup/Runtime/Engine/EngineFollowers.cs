using MiniKube.Sup.Processes;

namespace MiniKube.Sup.Runtime.Engine;

/// <summary>
/// The engine commands that follow a container's output (podman's <c>start --attach</c>, <c>logs --follow</c>,
/// <c>wait</c>) are the daemon's children. A daemon killed with SIGKILL leaves them behind, following containers that
/// outlive it (until the container writes to their closed pipe, or ends): the next start on the state dir ends them
/// before it follows those containers itself. They are known by their command line, which names a container of this
/// daemon (<c>sup-&lt;daemon id&gt;_…</c>); never the engine's own processes (conmon), which are not the engine's
/// command line.
/// </summary>
internal static class EngineFollowers
{
    private static readonly string[] Verbs = ["start", "logs", "wait", "attach"];

    /// <returns>the pids killed</returns>
    public static IReadOnlyList<int> KillOrphans(string executable, string daemonId)
    {
        var comm = Path.GetFileName(executable);
        var prefix = $"sup-{daemonId}_";
        var self = Environment.ProcessId;
        var killed = new List<int>();
        foreach (var p in ProcFs.Snapshot())
        {
            if (p.Comm != comm || p.Ppid == self || p.IsZombie) continue;
            var words = ProcFs.ReadCommandLine(p.Pid).Split(' ');
            if (IsFollower(words, prefix))
            {
                Native.kill(p.Pid, Native.SIGKILL);
                killed.Add(p.Pid);
            }
        }
        return killed;
    }

    /// <summary>An engine command line that follows (or waits for) a container whose name begins with
    /// <paramref name="prefix"/>.</summary>
    internal static bool IsFollower(IReadOnlyList<string> words, string prefix) =>
        words.Skip(1).Any(w => Verbs.Contains(w, StringComparer.Ordinal)) && words.Skip(1).Any(w => w.StartsWith(prefix, StringComparison.Ordinal));
}

namespace MiniKube.Sup.Processes;

/// <summary>One pod of the process view (<c>sup ps</c>/<c>sup top</c>): its containers in the order given.</summary>
public sealed record ProcessViewPod(string Name, IReadOnlyList<ProcessViewContainer> Containers);

/// <summary>One container: its master (main) process id, or null when it is not running, and its live processes
/// ordered as a tree (master first, then each process's children depth-first by pid).</summary>
public sealed record ProcessViewContainer(string Name, int? MasterPid, IReadOnlyList<ProcessViewProcess> Processes);

/// <summary>One process of a container.</summary>
/// <param name="Role"><see cref="ProcessViewRoles.Master"/> for the container's main process,
/// <see cref="ProcessViewRoles.Worker"/> for every other process of the container</param>
/// <param name="State">the state letter of /proc/PID/stat (R, S, D, Z, T, ...)</param>
/// <param name="CpuPercent">percent of one CPU (a process with several busy threads can exceed 100, as in top)</param>
/// <param name="RssBytes">resident set size</param>
/// <param name="Command">the command line, or [comm] when it has none (a zombie, a kernel thread)</param>
/// <param name="Depth">depth in the tree under the master: 0 for the master, 1 for its children, ...; a process
/// that left the tree (a daemon reparented to the subreaper) is shown at depth 1, as if adopted by the master</param>
/// <param name="User">the user it runs as (a prefork server's workers are not its master's user); "" when not known</param>
public sealed record ProcessViewProcess(int Pid, int Ppid, string Role, char State, double CpuPercent, long RssBytes, string Command, int Depth, string User = "");

/// <summary>The JSON document of <c>sup ps -o json</c>: <c>{"pods":[...]}</c>.</summary>
public sealed record ProcessViewDocument(IReadOnlyList<ProcessViewPod> Pods);

public static class ProcessViewRoles
{
    public const string Master = "master";
    public const string Worker = "worker";
}

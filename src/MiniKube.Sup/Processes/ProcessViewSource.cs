namespace MiniKube.Sup.Processes;

/// <summary>
/// One snapshot of the process table and the per-process reads the view needs beyond it. <see cref="Live"/> reads
/// /proc; tests build one from fake data.
/// </summary>
/// <param name="Processes">the process table (one /proc scan shared by every container of the view)</param>
/// <param name="ReadOwner">the owner token (SUP_OWNER) in a process's environment, or null</param>
/// <param name="ReadCommandLine">a process's command line, "" when it has none</param>
/// <param name="SelfPid">the daemon's pid (the subreaper): never part of a container</param>
/// <param name="PageSize">bytes per page, to turn RSS pages into bytes</param>
/// <param name="ReadUser">the name of the user a process runs as ("" when not known, as in fakes without one)</param>
public sealed record ProcessViewSource(
    IReadOnlyList<ProcessInfo> Processes,
    Func<int, string?> ReadOwner,
    Func<int, string> ReadCommandLine,
    int SelfPid,
    long PageSize,
    Func<int, string>? ReadUser = null)
{
    /// <summary>A fresh /proc snapshot of this host, seen from this process.</summary>
    public static ProcessViewSource Live() => new(
        ProcFs.Snapshot(),
        pid => ProcFs.ReadEnvironmentVariable(pid, ContainerProcesses.OwnerVariable),
        ProcFs.ReadCommandLine,
        Environment.ProcessId,
        Environment.SystemPageSize,
        ProcessUser.Name);
}

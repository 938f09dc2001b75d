
namespace MiniKube.Sup.Processes;

/// <summary>On start, kills whatever an earlier run with the same state dir left running (it crashed, or was
/// SIGKILLed) and this one does not adopt: nothing we started may outlive us unintentionally.</summary>
public static class OrphanSweeper
{
    /// <param name="keep">the owner marks of the instances adopted: their processes (and their descendants) stay</param>
    public static IReadOnlyList<ProcessInfo> KillLeftovers(string daemonId, IReadOnlySet<string>? keep = null)
    {
        var leftovers = ContainerProcesses.FindByOwnerPrefix(daemonId + "/", ProcFs.Snapshot(),
            pid => ProcFs.ReadEnvironmentVariable(pid, ContainerProcesses.OwnerVariable) is { } owner && keep?.Contains(owner) != true ? owner : null,
            Environment.ProcessId);
        foreach (var p in leftovers) Native.kill(p.Pid, Native.SIGKILL);
        return leftovers;
    }
}

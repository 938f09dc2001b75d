
namespace MiniKube.Sup.Processes;

/// <summary>On start, kills whatever an earlier run with the same state dir left running (it crashed, or was
/// SIGKILLed): nothing we started may outlive us.</summary>
public static class OrphanSweeper
{
    public static IReadOnlyList<ProcessInfo> KillLeftovers(string daemonId)
    {
        var leftovers = ContainerProcesses.FindByOwnerPrefix(daemonId + "/", ProcFs.Snapshot(), pid => ProcFs.ReadEnvironmentVariable(pid, ContainerProcesses.OwnerVariable), Environment.ProcessId);
        foreach (var p in leftovers) Native.kill(p.Pid, Native.SIGKILL);
        return leftovers;
    }
}

using MiniKube.Sup.Processes;

namespace MiniKube.Sup.EndToEnd;

/// <summary>Asserts that nothing a test caused is still running: every process we start carries its state
/// dir's owner token.</summary>
internal static class Leftovers
{
    public static async Task AssertNoneAsync(StatePaths paths)
    {
        IReadOnlyList<ProcessInfo> left = [];
        for (var i = 0; i < 200; i++)
        {
            left = ContainerProcesses.FindByOwnerPrefix(paths.DaemonId + "/", ProcFs.Snapshot(),
                pid => ProcFs.ReadEnvironmentVariable(pid, ContainerProcesses.OwnerVariable), Environment.ProcessId);
            if (left.Count == 0) return;
            await Task.Delay(10);
        }
        Assert.Fail("processes left behind: " + string.Join(", ", left.Select(p => $"{p.Pid} {p.Comm} ({p.State})")));
    }

    public static bool IsGone(int pid) => !ProcFs.TryRead(pid, out _);
}


namespace MiniKube.Sup.Processes;

/// <summary>A container instance in a cgroup of its own: membership is one read of it, and no process escapes it
/// by leaving its session or its parent or by clearing its environment.</summary>
public sealed class CgroupScope(ContainerCgroup cgroup) : IProcessScope
{
    public string? CgroupDirectory => cgroup.Directory;

    public ContainerCgroup Cgroup => cgroup;

    public IReadOnlyList<ProcessInfo> Processes(Func<ProcessTable> table)
    {
        var result = new List<ProcessInfo>();
        foreach (var pid in cgroup.ProcessIds())
            if (ProcFs.TryRead(pid, out var p) && !p.IsZombie) result.Add(p);
        return result;
    }

    public void KillNow() => cgroup.Kill();

    public Task SignalAllAsync(int signal, int? signalledGroup = null)
    {
        cgroup.Signal(signal, signalledGroup);
        return Task.CompletedTask;
    }

    public Task KillAllAsync(TimeProvider time, TimeSpan timeout) => cgroup.KillAndRemoveAsync(time, timeout);
}

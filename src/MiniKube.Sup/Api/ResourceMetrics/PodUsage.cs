using MiniKube.Sup.Pods;
using MiniKube.Sup.Processes;

namespace MiniKube.Sup.Api.ResourceMetrics;

/// <summary>The usage of every running container of the pod agent's pods, from one <see cref="UsageSampler"/>:
/// the figures of metrics.k8s.io and of <c>sup top --pods</c>. A container's processes are found as the process
/// view finds them (its cgroup, or one /proc scan shared by the request); its cgroup's counters are used where the
/// cgroup is its own.</summary>
public sealed class PodUsage(PodAgent pods, TimeProvider time)
{
    private readonly UsageSampler _sampler = new(time);

    /// <param name="ns">one namespace, or every one when null</param>
    public IReadOnlyList<ContainerUsage> Measure(string? ns)
    {
        var running = pods.Workers().Where(w => ns is null || w.Namespace == ns)
            .SelectMany(w => w.Running.Where(c => c.MasterPid > 0 && c.Instance is not null).Select(c => (w.Namespace, w.Name, Container: c)))
            .ToList();
        var masters = running.Select(r => r.Container.MasterPid).ToHashSet();
        var table = new Lazy<ProcessTable>(() => ProcessTable.Live(masters.Contains));
        return _sampler.Measure(running.Select(r =>
        {
            var processes = r.Container.Instance!.Processes(() => table.Value);
            var (cpu, memory) = CgroupUsage.Read(r.Container.MasterPid, processes.Select(p => p.Pid).ToHashSet());
            return new ContainerReading(r.Namespace, r.Name, r.Container.Name, processes, cpu, memory);
        }).ToList());
    }
}

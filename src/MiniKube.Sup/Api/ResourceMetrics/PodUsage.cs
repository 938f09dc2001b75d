using MiniKube.Sup.Pods;
using MiniKube.Sup.Processes;

namespace MiniKube.Sup.Api.ResourceMetrics;

/// <summary>The usage of every running container of the pod agent's pods, from one <see cref="UsageSampler"/>:
/// the figures of metrics.k8s.io and of <c>sup top --pods</c>. A container in a cgroup is read from it; one
/// without is found in one /proc scan shared by the request, as the process view finds it.</summary>
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
        return _sampler.Measure(running.Select(r => (r.Namespace, r.Name, r.Container.Name, r.Container.Instance!.Processes(() => table.Value))).ToList());
    }
}

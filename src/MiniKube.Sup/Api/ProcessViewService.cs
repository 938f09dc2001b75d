using MiniKube.Sup.Pods;
using MiniKube.Sup.Processes;

namespace MiniKube.Sup.Api;

/// <summary>The process view of running pods (GET /sup/v1/processes[?pod=NAME]). CPU % is measured between
/// consecutive requests, as top does (the first shows lifetime averages, as ps does).</summary>
public sealed class ProcessViewService(PodAgent pods)
{
    private readonly CpuSampler _sampler = new();
    private readonly Lock _gate = new();

    public IReadOnlyList<ProcessViewPod> Build(string? pod)
    {
        var containers = new List<(string Pod, string Container, int MasterPid, string OwnerToken)>();
        foreach (var worker in pods.Workers())
        {
            if (pod is not null && worker.Name != pod) continue;
            foreach (var c in worker.Running) containers.Add((worker.Name, c.Name, c.MasterPid, c.OwnerToken));
        }
        var source = ProcessViewSource.Live();
        IReadOnlyDictionary<int, double> cpu;
        lock (_gate) cpu = _sampler.Sample(source.Processes);
        return ProcessViewBuilder.Build(containers, source, cpu);
    }
}

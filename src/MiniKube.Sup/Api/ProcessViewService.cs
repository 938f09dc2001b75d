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
        var running = new List<(string Pod, RunningContainer Container)>();
        foreach (var worker in pods.Workers())
        {
            // A pod of another namespace than default is shown (and may be asked for) as namespace/name.
            var shown = worker.Namespace == Store.ObjectKey.DefaultNamespace ? worker.Name : $"{worker.Namespace}/{worker.Name}";
            if (pod is not null && shown != pod && worker.Name != pod) continue;
            foreach (var c in worker.Running) running.Add((shown, c));
        }
        // A container in a cgroup is read from it; one without (no cgroups here) is searched for in one /proc scan
        // shared by the whole view, taken only if such a container is shown.
        var masters = running.Where(c => c.Container.MasterPid > 0).Select(c => c.Container.MasterPid).ToHashSet();
        var table = new Lazy<ProcessTable>(() => ProcessTable.Live(masters.Contains));
        var containers = running.Select(c => (c.Pod, c.Container.Name, c.Container.MasterPid,
            c.Container.MasterPid > 0 && c.Container.Instance is { } instance ? instance.Processes(() => table.Value) : (IReadOnlyList<ProcessInfo>)[])).ToList();
        IReadOnlyDictionary<int, double> cpu;
        lock (_gate) cpu = _sampler.Sample(containers.SelectMany(c => c.Item4).ToList());
        return ProcessViewBuilder.BuildFromMembers(containers, ProcFs.ReadCommandLine, Environment.SystemPageSize, cpu, ProcessUser.Name);
    }
}

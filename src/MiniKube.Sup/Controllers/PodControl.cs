using k8s.Models;
using MiniKube.Sup.Pods;

namespace MiniKube.Sup.Controllers;

/// <summary>Pod control over the pod agent, through the desired state so that a pod's starts and deletions run in
/// order per name (a StatefulSet re-creates <c>web-0</c> only once the old <c>web-0</c> is gone).</summary>
public sealed class PodControl(PodAgent agent, DesiredState desired) : IPodControl
{
    public IReadOnlyList<V1Pod> List()
    {
        var live = agent.List();
        var creating = desired.CreatingPods();
        if (creating.Count == 0) return live;
        var names = live.Select(p => p.Metadata.Name).ToHashSet(StringComparer.Ordinal);
        return live.Concat(creating.Where(p => !names.Contains(p.Metadata.Name))).ToList();
    }

    public V1Pod? Get(string name) => agent.Get(name) ?? desired.CreatingPods().FirstOrDefault(p => p.Metadata.Name == name);

    public bool Create(V1Pod pod) => desired.RunOwnedPod(pod);

    public void Delete(string name, TimeSpan? grace = null) => desired.DeleteOwnedPod(name, grace);
}

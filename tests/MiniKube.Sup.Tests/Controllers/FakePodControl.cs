using k8s.Models;
using MiniKube.Sup.Controllers;

namespace MiniKube.Sup.Tests.Controllers;

/// <summary>Pod control for reconcile tables: pods are objects whose status the test sets; a deleted pod stays
/// listed as terminating until the test calls <see cref="Finish"/> (as a real one does until its processes exit).</summary>
public sealed class FakePodControl(TimeProvider time) : IPodControl
{
    private readonly Dictionary<string, V1Pod> _pods = new(StringComparer.Ordinal);

    public List<string> Created { get; } = [];
    public List<string> Deleted { get; } = [];

    public IReadOnlyList<V1Pod> List()
    {
        lock (_pods) return _pods.Values.ToList();
    }

    public IReadOnlyList<V1Pod> Owned(string? ownerUid)
    {
        lock (_pods) return _pods.Values.Where(p => p.Metadata.OwnerReferences?.Any(r => r.Uid == ownerUid) == true).ToList();
    }

    public V1Pod? Get(string ns, string name) => Get(name);

    public V1Pod? Get(string name)
    {
        lock (_pods) return _pods.GetValueOrDefault(name);
    }

    public bool Create(V1Pod pod)
    {
        lock (_pods)
        {
            if (_pods.TryGetValue(pod.Metadata.Name, out var old) && old.Metadata.DeletionTimestamp is null) return false;
            pod.Metadata.Uid ??= Guid.NewGuid().ToString();
            pod.Metadata.CreationTimestamp ??= time.GetUtcNow().UtcDateTime;
            pod.Status ??= new V1PodStatus { Phase = "Pending" };
            _pods[pod.Metadata.Name] = pod;
            Created.Add(pod.Metadata.Name);
            return true;
        }
    }

    public void Delete(V1Pod pod, TimeSpan? grace = null) => Delete(pod.Metadata.Name, grace);

    public void Delete(string name, TimeSpan? grace = null)
    {
        lock (_pods)
        {
            if (!_pods.TryGetValue(name, out var pod) || pod.Metadata.DeletionTimestamp is not null) return;
            pod.Metadata.DeletionTimestamp = time.GetUtcNow().UtcDateTime;
            Deleted.Add(name);
        }
    }

    /// <summary>The terminating pod's processes are gone: it disappears.</summary>
    public void Finish(string name)
    {
        lock (_pods) _pods.Remove(name);
    }

    public void SetReady(string name, bool ready = true)
    {
        lock (_pods)
        {
            var pod = _pods[name];
            pod.Status = new V1PodStatus
            {
                Phase = "Running",
                Conditions = [new V1PodCondition { Type = "Ready", Status = ready ? "True" : "False", LastTransitionTime = time.GetUtcNow().UtcDateTime }],
            };
        }
    }

    public void SetPhase(string name, string phase)
    {
        lock (_pods) _pods[name].Status = new V1PodStatus { Phase = phase };
    }
}

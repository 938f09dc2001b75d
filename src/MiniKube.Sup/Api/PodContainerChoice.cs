using MiniKube.Sup.Pods;
using MiniKube.Sup.Runtime;

namespace MiniKube.Sup.Api;

/// <summary>The running container a pods/NAME/exec or attach request names (<c>?container=</c>), or, when it names
/// none, the pod's default as the API server picks it: the <c>kubectl.kubernetes.io/default-container</c> annotation,
/// else the only container.</summary>
public static class PodContainerChoice
{
    /// <returns>the container's name and running instance, or what to answer (a Bad Request's message)</returns>
    public static (string Name, IContainerInstance? Instance, string? Problem) Choose(PodAgent pods, string ns, string pod, string? name)
    {
        if (pods.Worker(pod, ns) is not { } worker) return ("", null, $"pod {pod} is not running");
        var names = worker.Snapshot.Spec.Containers.Select(c => c.Name).ToList();
        if (name is null)
        {
            if (worker.Snapshot.Metadata.Annotations?.TryGetValue("kubectl.kubernetes.io/default-container", out var preferred) == true && names.Contains(preferred)) name = preferred;
            else if (names.Count == 1) name = names[0];
            else return ("", null, $"a container name must be specified for pod {pod}, choose one of: [{string.Join(" ", names)}]");
        }
        if (worker.Running.FirstOrDefault(c => c.Name == name)?.Instance is not { } container)
            return (name, null, $"container {name} is not valid for pod {pod}" + (names.Contains(name) ? " (it is not running)" : ""));
        return (name, container, null);
    }
}

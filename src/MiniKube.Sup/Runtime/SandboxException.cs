namespace MiniKube.Sup.Runtime;

/// <summary>A pod's sandbox could not be made (k8s FailedCreatePodSandBox). <paramref name="permanent"/>: trying
/// again cannot help (no container engine is usable), so the pod waits and says why, once.</summary>
public sealed class SandboxException(string message, bool permanent = false, Exception? inner = null) : Exception(message, inner)
{
    public bool Permanent { get; } = permanent;
}

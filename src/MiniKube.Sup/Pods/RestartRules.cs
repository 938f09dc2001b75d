using MiniKube.Sup.Processes;

namespace MiniKube.Sup.Pods;

/// <summary>Whether an exited container is started again (k8s computePodActions / init container rules).</summary>
public static class RestartRules
{
    public const string Always = "Always";
    public const string OnFailure = "OnFailure";
    public const string Never = "Never";

    /// <param name="podPolicy">the pod's restartPolicy</param>
    /// <param name="status">how the container ended</param>
    /// <param name="killedForHealth">a liveness or startup probe killed it: restarted under any policy but Never</param>
    public static bool ShouldRestart(string podPolicy, ExitStatus status, bool killedForHealth = false) => podPolicy switch
    {
        Always => true,
        OnFailure => killedForHealth || !status.Succeeded,
        _ => false,
    };

    /// <summary>k8s: for regular init containers a pod-level Always behaves as OnFailure.</summary>
    public static string ForInitContainer(string podPolicy) => podPolicy == Always ? OnFailure : podPolicy;
}

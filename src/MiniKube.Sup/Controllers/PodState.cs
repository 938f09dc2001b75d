using k8s.Models;
using MiniKube.Sup.Pods;

namespace MiniKube.Sup.Controllers;

/// <summary>How controllers read a pod's status (k8s controller_utils / podutil).</summary>
public static class PodState
{
    public static bool IsTerminating(V1Pod pod) => pod.Metadata.DeletionTimestamp is not null;

    public static bool IsTerminal(V1Pod pod) => PodPhases.IsTerminal(pod.Status?.Phase);

    /// <summary>k8s IsPodActive: not terminal and not being deleted.</summary>
    public static bool IsActive(V1Pod pod) => !IsTerminating(pod) && !IsTerminal(pod);

    public static V1PodCondition? ReadyCondition(V1Pod pod) => pod.Status?.Conditions?.FirstOrDefault(c => c.Type == "Ready");

    public static bool IsReady(V1Pod pod) => ReadyCondition(pod)?.Status == "True";

    /// <summary>k8s IsPodAvailable: Ready for at least minReadySeconds.</summary>
    public static bool IsAvailable(V1Pod pod, int minReadySeconds, DateTimeOffset now)
    {
        if (!IsReady(pod)) return false;
        if (minReadySeconds == 0) return true;
        var since = ReadyCondition(pod)?.LastTransitionTime;
        return since is { } t && new DateTimeOffset(DateTime.SpecifyKind(t, DateTimeKind.Utc)) + TimeSpan.FromSeconds(minReadySeconds) <= now;
    }

    /// <summary>When a Ready pod becomes available (null: not Ready, or already available).</summary>
    public static TimeSpan? UntilAvailable(V1Pod pod, int minReadySeconds, DateTimeOffset now)
    {
        if (!IsReady(pod) || minReadySeconds == 0) return null;
        var since = ReadyCondition(pod)?.LastTransitionTime;
        if (since is not { } t) return null;
        var at = new DateTimeOffset(DateTime.SpecifyKind(t, DateTimeKind.Utc)) + TimeSpan.FromSeconds(minReadySeconds);
        return at > now ? at - now : null;
    }
}

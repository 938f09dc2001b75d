using k8s.Models;

namespace MiniKube.Sup.Pods;

/// <summary>Pod phase and conditions from container statuses, as the kubelet computes them
/// (kubelet_pods.go getPhase, status/generate.go).</summary>
public static class PodPhases
{
    public const string Pending = "Pending";
    public const string Running = "Running";
    public const string Succeeded = "Succeeded";
    public const string Failed = "Failed";

    public static bool IsTerminal(string? phase) => phase is Succeeded or Failed;

    /// <param name="initFailedNoRestart">a regular init container failed and will not be retried (Never)</param>
    /// <param name="initialized">every regular init container exited 0 and every sidecar started</param>
    public static string Compute(string restartPolicy, IReadOnlyList<V1ContainerStatus> regular, bool initialized, bool initFailedNoRestart)
    {
        if (initFailedNoRestart) return Failed;
        if (!initialized) return Pending;
        int running = 0, waiting = 0, stopped = 0, succeeded = 0, failed = 0;
        foreach (var s in regular)
        {
            if (s.State?.Running is not null) running++;
            else if (s.State?.Terminated is { } t)
            {
                stopped++;
                if (t.ExitCode == 0) succeeded++; else failed++;
            }
            else if (s.LastState?.Terminated is not null) stopped++;
            else waiting++;
        }
        if (waiting > 0) return Pending;
        if (running > 0) return Running;
        if (stopped == 0) return Pending;
        return restartPolicy switch
        {
            RestartRules.Always => Running,
            RestartRules.OnFailure => stopped == succeeded ? Succeeded : Running,
            _ => failed > 0 ? Failed : Succeeded,
        };
    }

    public static List<V1PodCondition> Conditions(
        string phase, bool initialized, IReadOnlyList<V1ContainerStatus> regularAndSidecars, DateTime scheduledAt, IReadOnlyList<V1PodCondition>? previous, DateTime now)
    {
        var allReady = regularAndSidecars.Count > 0 && regularAndSidecars.All(s => s.Ready);
        string? notReadyReason = IsTerminal(phase)
            ? (phase == Succeeded ? "PodCompleted" : "PodFailed")
            : allReady ? null : "ContainersNotReady";
        var notReadyMessage = notReadyReason == "ContainersNotReady"
            ? $"containers with unready status: [{string.Join(" ", regularAndSidecars.Where(s => !s.Ready).Select(s => s.Name))}]"
            : null;
        var ready = notReadyReason is null;
        return
        [
            Make("PodScheduled", true, null, null, scheduledAt, previous, now),
            Make("Initialized", initialized, initialized ? null : "ContainersNotInitialized", null, scheduledAt, previous, now),
            Make("ContainersReady", ready, notReadyReason, notReadyMessage, scheduledAt, previous, now),
            Make("Ready", ready, notReadyReason, notReadyMessage, scheduledAt, previous, now),
        ];
    }

    private static V1PodCondition Make(string type, bool status, string? reason, string? message, DateTime initial, IReadOnlyList<V1PodCondition>? previous, DateTime now)
    {
        var value = status ? "True" : "False";
        var before = previous?.FirstOrDefault(c => c.Type == type);
        var transition = before is null ? (status && type == "PodScheduled" ? initial : now)
            : before.Status == value ? before.LastTransitionTime ?? now : now;
        return new V1PodCondition { Type = type, Status = value, Reason = reason, Message = message, LastTransitionTime = transition, LastProbeTime = null };
    }
}

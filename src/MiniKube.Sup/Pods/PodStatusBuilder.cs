using k8s.Models;

namespace MiniKube.Sup.Pods;

/// <summary>
/// The pod's status from what its worker knows, as the kubelet's status manager generates it
/// (kubelet_pods.go generateAPIPodStatus, convertToAPIContainerStatuses): a pure function of the pod, its
/// containers' snapshots and the time, so that it is tested alone.
/// </summary>
internal static class PodStatusBuilder
{
    /// <summary>Where the pod's containers run: this host's loopback (status.hostIP).</summary>
    public const string HostIp = "127.0.0.1";

    /// <summary>The pod's phase: the terminal phase once decided, else from its containers (k8s getPhase).</summary>
    public static string Phase(PodProgress progress, IReadOnlyList<ContainerSnapshot> containers) =>
        progress.TerminalPhase ?? PodPhases.Compute(progress.RestartPolicy, containers.Select(ToStatus).ToList(), progress.Initialized, progress.InitFailed);

    /// <param name="previous">the conditions last published: a condition keeps its lastTransitionTime until its
    /// status changes</param>
    public static V1PodStatus Build(PodProgress progress, IReadOnlyList<ContainerSnapshot> initContainers, IReadOnlyList<ContainerSnapshot> containers,
        IReadOnlyList<V1PodCondition>? previous, DateTimeOffset now)
    {
        var regular = containers.Select(ToStatus).ToList();
        var init = initContainers.Select(ToStatus).ToList();
        var phase = progress.TerminalPhase ?? PodPhases.Compute(progress.RestartPolicy, regular, progress.Initialized, progress.InitFailed);
        // k8s: sidecars (restartable init containers) count towards the pod's readiness, run-to-completion ones do not.
        var readiness = regular.Concat(init.Where((_, i) => initContainers[i].Kind == ContainerKind.Sidecar)).ToList();
        var startTime = progress.StartTime.UtcDateTime;
        return new V1PodStatus
        {
            Phase = phase,
            Reason = progress.Reason,
            Message = progress.Message,
            Conditions = PodPhases.Conditions(phase, progress.Initialized, readiness, startTime, previous, now.UtcDateTime),
            HostIP = HostIp,
            HostIPs = [new V1HostIP { Ip = HostIp }],
            PodIP = progress.PodIp,
            PodIPs = progress.PodIp is null ? null : [new V1PodIP { Ip = progress.PodIp }],
            StartTime = startTime,
            QosClass = "BestEffort", // no resource requests are honoured
            ContainerStatuses = regular,
            InitContainerStatuses = init.Count == 0 ? null : init,
        };
    }

    /// <summary>One container's status: exactly one of waiting, running, terminated; the last termination; and
    /// started/ready (an init container that runs to completion is ready once it exited 0).</summary>
    public static V1ContainerStatus ToStatus(ContainerSnapshot c) => new()
    {
        Name = c.Name,
        Image = c.Spec.Image ?? "",
        ImageID = "",
        ContainerID = c.ContainerId ?? (c.Pid is { } pid ? $"sup://{pid}" : null),
        Ready = c.Kind == ContainerKind.Init ? c.InitDone : c.Ready,
        Started = c.Started,
        RestartCount = c.RestartCount,
        State = new V1ContainerState
        {
            Running = c.RunningSince is { } since ? new V1ContainerStateRunning { StartedAt = since.UtcDateTime } : null,
            Terminated = c.Terminated,
            Waiting = c.Waiting,
        },
        LastState = new V1ContainerState { Terminated = c.LastTerminated },
    };
}

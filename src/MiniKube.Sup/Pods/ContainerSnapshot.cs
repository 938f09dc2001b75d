using k8s.Models;

namespace MiniKube.Sup.Pods;

/// <summary>What the pod worker knows of one container at one moment: its spec and kind, its current instance's
/// main pid (null when none runs), its state as Kubernetes reports it, and what its hooks and probes said.</summary>
internal sealed record ContainerSnapshot(
    V1Container Spec,
    ContainerKind Kind,
    int? Pid,
    int RestartCount,
    V1ContainerStateWaiting? Waiting,
    DateTimeOffset? RunningSince,
    V1ContainerStateTerminated? Terminated,
    V1ContainerStateTerminated? LastTerminated,
    bool InitDone = false,
    bool PostStartDone = true,
    bool StartupSucceeded = false,
    bool ReadinessSucceeded = false,
    string? ContainerId = null)
{
    public string Name => Spec.Name;

    public bool IsRunning => RunningSince is not null;

    /// <summary>k8s ContainerStatus.started: running, postStart done, and the startup probe (if any) passed.</summary>
    public bool Started => IsStarted(Spec, IsRunning, PostStartDone, StartupSucceeded);

    /// <summary>k8s: ready once started, and its readiness probe (if any) last said Success.</summary>
    public bool Ready => IsReady(Spec, Started, ReadinessSucceeded);

    public static bool IsStarted(V1Container spec, bool running, bool postStartDone, bool startupSucceeded) =>
        running && postStartDone && (spec.StartupProbe is null || startupSucceeded);

    // k8s: a new instance is not ready until its readiness probe succeeds (readiness starts as Failure).
    public static bool IsReady(V1Container spec, bool started, bool readinessSucceeded) =>
        started && (spec.ReadinessProbe is null || readinessSucceeded);
}

using k8s.Models;
using MiniKube.Sup.Runtime;

namespace MiniKube.Sup.Pods;

/// <summary>What the pod worker knows of one container: its spec, the running instance, its state as Kubernetes
/// reports it, restart count, last termination, and its CrashLoopBackOff.</summary>
internal sealed class ContainerSlot(V1Container spec, ContainerKind kind, BackoffPolicy backoff)
{
    public V1Container Spec { get; } = spec;
    public string Name => Spec.Name;
    public ContainerKind Kind { get; } = kind;
    public CrashLoopBackoff Backoff { get; } = new(backoff);
    /// <summary>k8s image pull backoff: as the container's, kept apart (a pull failure is not a crash).</summary>
    public CrashLoopBackoff PullBackoff { get; } = new(backoff);

    /// <summary>Counts instances started, so that an event from an old instance is recognised.</summary>
    public int Instance { get; set; }
    public IContainerInstance? Process { get; set; }
    /// <summary>The owner mark of the current instance's processes.</summary>
    public string? OwnerToken { get; set; }
    public int RestartCount { get; set; }
    public bool EverStarted { get; set; }

    public V1ContainerStateWaiting? Waiting { get; set; } = new() { Reason = "ContainerCreating" };
    public DateTimeOffset? RunningSince { get; set; }
    public V1ContainerStateTerminated? Terminated { get; set; }
    public V1ContainerStateTerminated? LastTerminated { get; set; }

    /// <summary>A regular init container that exited 0.</summary>
    public bool InitDone { get; set; }
    /// <summary>Set when the daemon is stopping this instance (pod termination, or a kill for restart).</summary>
    public bool Stopping { get; set; }
    /// <summary>The CrashLoopBackOff timer of a restart that is due later.</summary>
    public LoopTimer? PendingRestart { get; set; }
    /// <summary>The step timeout of the current instance (a Job step that runs too long is hung).</summary>
    public LoopTimer? StepTimer { get; set; }

    /// <summary>The current instance's probes and hooks (null when it has none running).</summary>
    public InstanceHealth? Health { get; set; }
    /// <summary>Why the worker is killing the current instance, when it decided so itself.</summary>
    public KillIntent? Kill { get; set; }
    public bool PostStartDone { get; set; }
    public bool StartupSucceeded { get; set; }
    public bool ReadinessSucceeded { get; set; }

    public bool IsRunning => RunningSince is not null;

    /// <summary>An instance is being created and started by the runtime (an engine takes most of a second); it
    /// comes to the loop as running, or as failed, later.</summary>
    public bool Starting { get; set; }

    /// <summary>Running, or about to: the pod is not done while any container is.</summary>
    public bool IsActive => IsRunning || Starting;

    /// <summary>k8s ContainerStatus.started: running, postStart done, and the startup probe (if any) passed.</summary>
    public bool Started => ContainerSnapshot.IsStarted(Spec, IsRunning, PostStartDone, StartupSucceeded);

    public void MarkRunning(IContainerInstance process, DateTimeOffset now)
    {
        Process = process;
        EverStarted = true;
        RunningSince = now;
        Stopping = false;
        Kill = null;
        // k8s: a new instance has not started (postStart pending) and is not ready (readiness starts as Failure).
        PostStartDone = Spec.Lifecycle?.PostStart is null;
        StartupSucceeded = false;
        ReadinessSucceeded = false;
        Waiting = null;
        if (Terminated is not null) LastTerminated = Terminated;
        Terminated = null;
    }

    public void MarkTerminated(V1ContainerStateTerminated terminated)
    {
        Process = null;
        RunningSince = null;
        Waiting = null;
        Terminated = terminated;
    }

    public void MarkWaiting(string reason, string? message)
    {
        if (Terminated is not null) LastTerminated = Terminated;
        Terminated = null;
        RunningSince = null;
        Waiting = new V1ContainerStateWaiting { Reason = reason, Message = message };
    }

    public ContainerSnapshot Snapshot() => new(Spec, Kind, Process?.Pid, RestartCount, Waiting, RunningSince, Terminated, LastTerminated,
        InitDone, PostStartDone, StartupSucceeded, ReadinessSucceeded, Process?.ContainerId);
}

internal enum ContainerKind
{
    Regular,
    Init,
    Sidecar,
}

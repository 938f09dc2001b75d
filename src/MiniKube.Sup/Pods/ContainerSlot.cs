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
    public CancellationTokenSource? PendingRestart { get; set; }

    /// <summary>The current instance's probes and hooks (null when it has none running).</summary>
    public InstanceHealth? Health { get; set; }
    /// <summary>Why the worker is killing the current instance, when it decided so itself.</summary>
    public KillIntent? Kill { get; set; }
    public bool PostStartDone { get; set; }
    public bool StartupSucceeded { get; set; }
    public bool ReadinessSucceeded { get; set; }

    public bool IsRunning => RunningSince is not null;

    /// <summary>k8s ContainerStatus.started: running, postStart done, and the startup probe (if any) passed.</summary>
    public bool Started => IsRunning && PostStartDone && (Spec.StartupProbe is null || StartupSucceeded);

    /// <summary>k8s: ready once started, and its readiness probe (if any) last said Success.</summary>
    public bool Ready => Started && (Spec.ReadinessProbe is null || ReadinessSucceeded);

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

    public V1ContainerStatus ToStatus()
    {
        return new V1ContainerStatus
        {
            Name = Name,
            Image = Spec.Image ?? "",
            ImageID = "",
            ContainerID = Process is { } p ? $"sup://{p.Pid}" : null,
            Ready = Ready,
            Started = Started,
            RestartCount = RestartCount,
            State = new V1ContainerState
            {
                Running = RunningSince is { } since ? new V1ContainerStateRunning { StartedAt = since.UtcDateTime } : null,
                Terminated = Terminated,
                Waiting = Waiting,
            },
            LastState = new V1ContainerState { Terminated = LastTerminated },
        };
    }
}

internal enum ContainerKind
{
    Regular,
    Init,
    Sidecar,
}

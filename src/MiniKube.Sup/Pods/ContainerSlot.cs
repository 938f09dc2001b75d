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
    /// <summary>Set when the daemon is stopping this instance (pod termination).</summary>
    public bool Stopping { get; set; }
    public CancellationTokenSource? PendingRestart { get; set; }

    public bool IsRunning => RunningSince is not null;

    public void MarkRunning(IContainerInstance process, DateTimeOffset now)
    {
        Process = process;
        EverStarted = true;
        RunningSince = now;
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
        var running = IsRunning;
        return new V1ContainerStatus
        {
            Name = Name,
            Image = Spec.Image ?? "",
            ImageID = "",
            ContainerID = Process is { } p ? $"sup://{p.Pid}" : null,
            Ready = running,
            Started = running,
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

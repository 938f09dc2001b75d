using MiniKube.Sup.Probes;

namespace MiniKube.Sup.Pods;

/// <summary>The probes and hooks of one container instance: where they run, the cancellation that ends them
/// with the instance, a separate one for liveness and startup (they stop when the pod is deleted, readiness
/// goes on probing during termination), and whether the instance has started (read by the probe workers).</summary>
internal sealed class InstanceHealth
{
    private readonly CancellationTokenSource _all = new();
    private readonly CancellationTokenSource _killers;
    private volatile bool _started;

    public InstanceHealth(ProbeTarget target)
    {
        Target = target;
        _killers = CancellationTokenSource.CreateLinkedTokenSource(_all.Token);
    }

    public ProbeTarget Target { get; }

    public ProbeWorker? Readiness { get; set; }

    /// <summary>Ends with the instance: every probe and the postStart hook.</summary>
    public CancellationToken Token => _all.Token;

    /// <summary>Ends with the instance, or earlier when liveness and startup stop (pod deletion, a kill).</summary>
    public CancellationToken KillersToken => _killers.Token;

    public bool Started
    {
        get => _started;
        set => _started = value;
    }

    public void StopKillers() => _killers.Cancel();

    public void Stop() => _all.Cancel();
}

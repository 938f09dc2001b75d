using k8s.Models;
using Microsoft.Extensions.Logging;
using MiniKube.Sup.Events;
using MiniKube.Sup.Probes;
using MiniKube.Sup.Runtime;

namespace MiniKube.Sup.Pods;

/// <summary>The pod worker's health part: it starts each instance's probe workers and postStart hook, acts on
/// what they report (started, ready, killed for restart), and fails the pod at its activeDeadlineSeconds. Probe workers only report; every decision is taken here, on the loop.</summary>
public sealed partial class PodWorker
{
    private const string DeadlineMessage = "Pod was active on the node longer than the specified deadline";

    private void StartHealth(ContainerSlot slot, IContainerInstance process)
    {
        var spec = slot.Spec;
        if (spec.StartupProbe is null && spec.LivenessProbe is null && spec.ReadinessProbe is null && spec.Lifecycle is null) return;
        var health = new InstanceHealth(new ProbeTarget(Name, PodIp, spec, process))
        {
            Started = slot.Started,
        };
        slot.Health = health;
        var instance = slot.Instance;
        StartProbe(slot, instance, health, ProbeType.Startup, spec.StartupProbe, health.KillersToken);
        StartProbe(slot, instance, health, ProbeType.Liveness, spec.LivenessProbe, health.KillersToken);
        health.Readiness = StartProbe(slot, instance, health, ProbeType.Readiness, spec.ReadinessProbe, health.Token);
        if (spec.Lifecycle?.PostStart is { } postStart) RunPostStart(slot, instance, health, postStart);
    }

    private ProbeWorker? StartProbe(ContainerSlot slot, int instance, InstanceHealth health, ProbeType type, V1Probe? spec, CancellationToken token)
    {
        if (spec is null) return null;
        var prober = new Metrics.MeasuredProber(_context.Prober, _context.Metrics, Time, Namespace, Name, slot.Name);
        var worker = new ProbeWorker(type, spec, health.Target, prober, Time, () => health.Started,
            (result, output) => _events.Writer.TryWrite(new PodEvent.ProbeChanged(slot, instance, type, result, output)),
            (eventType, reason, message) => Record(eventType, reason, message, slot));
        _ = Task.Run(() => worker.RunAsync(token), CancellationToken.None);
        return worker;
    }

    /// <summary>k8s: postStart runs right after the container is created; the container has not started until
    /// it completes.</summary>
    private void RunPostStart(ContainerSlot slot, int instance, InstanceHealth health, V1LifecycleHandler hook)
    {
        var token = health.Token;
        var request = new ProbeRequest(ProbePurpose.PostStart, ProbeAction.From(hook), health.Target, Timeout.InfiniteTimeSpan);
        _ = Task.Run(async () =>
        {
            ProbeOutcome outcome;
            try { outcome = await _context.Prober.ProbeAsync(request, token).ConfigureAwait(false); }
            catch (OperationCanceledException) when (token.IsCancellationRequested) { return; } // the instance is gone
            catch (Exception e) { outcome = ProbeOutcome.Failure(e.Message); }
            _events.Writer.TryWrite(new PodEvent.PostStartDone(slot, instance, outcome));
        }, CancellationToken.None);
    }

    private void HandleHealth(PodEvent e)
    {
        switch (e)
        {
            case PodEvent.ProbeChanged p when p.Slot.Instance == p.Instance && p.Slot.IsRunning:
                OnProbeChanged(p.Slot, p.Type, p.Result);
                break;
            case PodEvent.PostStartDone d when d.Slot.Instance == d.Instance && d.Slot.IsRunning && !d.Slot.Stopping:
                OnPostStartDone(d.Slot, d.Outcome);
                break;
            case PodEvent.DeadlineExceeded:
                OnActiveDeadline();
                break;
        }
    }

    private void OnProbeChanged(ContainerSlot slot, ProbeType type, ProbeResult result)
    {
        switch (type)
        {
            case ProbeType.Readiness:
                // k8s: a readiness failure only makes the container unready; it is never restarted for it.
                slot.ReadinessSucceeded = result == ProbeResult.Success;
                break;
            case ProbeType.Startup when result == ProbeResult.Success:
                slot.StartupSucceeded = true;
                UpdateStarted(slot);
                break;
            case ProbeType.Startup or ProbeType.Liveness when result == ProbeResult.Failure:
                var probe = type == ProbeType.Liveness ? slot.Spec.LivenessProbe! : slot.Spec.StartupProbe!;
                // k8s computePodActions: "Container X failed liveness probe, will be restarted".
                var message = $"Container {slot.Name} failed {(type == ProbeType.Liveness ? "liveness" : "startup")} probe"
                    + (WillRestartAfterKill(slot) ? ", will be restarted" : "");
                // k8s: the probe's terminationGracePeriodSeconds, else the pod's.
                var grace = probe.TerminationGracePeriodSeconds is { } seconds ? TimeSpan.FromSeconds(seconds) : PodGrace;
                KillForRestart(slot, message, grace, restartUnlessNever: true, type == ProbeType.Liveness ? LivenessKillReason : null);
                break;
        }
    }

    private void OnPostStartDone(ContainerSlot slot, ProbeOutcome outcome)
    {
        if (outcome.Status is ProbeStatus.Success or ProbeStatus.Warning)
        {
            slot.PostStartDone = true;
            UpdateStarted(slot);
            return;
        }
        // k8s startContainer: FailedPostStartHook event, then killContainer(..., "FailedPostStartHook", ...); the
        // container is then restarted as any exited container would be.
        Record(SupEvent.Warning, "FailedPostStartHook", HookFailureMessage(slot.Spec.Lifecycle!.PostStart!, slot, outcome), slot);
        KillForRestart(slot, "FailedPostStartHook", PodGrace, restartUnlessNever: false);
    }

    /// <summary>Publishes a change of started to the probe workers; readiness probes at once (k8s manual trigger)
    /// and the next init container may start after a sidecar.</summary>
    private void UpdateStarted(ContainerSlot slot)
    {
        var started = slot.Started;
        if (slot.Health is { } health && health.Started != started)
        {
            health.Started = started;
            if (started) health.Readiness?.Trigger();
        }
        Advance();
    }

    private bool WillRestartAfterKill(ContainerSlot slot) => slot.Kind == ContainerKind.Sidecar || _restartPolicy != RestartRules.Never;

    private void ScheduleActiveDeadline()
    {
        if (_pod.Spec.ActiveDeadlineSeconds is not { } seconds) return;
        // k8s: counted from the pod's startTime.
        _timers.After(_startTime + TimeSpan.FromSeconds(seconds) - Time.GetUtcNow(), new PodEvent.DeadlineExceeded());
    }

    /// <summary>k8s activeDeadlineHandler: every container is killed and the pod fails with reason
    /// DeadlineExceeded (a Normal event, as upstream records it).</summary>
    private void OnActiveDeadline()
    {
        if (_terminalPhase is not null || _shuttingDown) return;
        _statusReason = "DeadlineExceeded";
        _statusMessage = DeadlineMessage;
        Record(SupEvent.Normal, "DeadlineExceeded", DeadlineMessage);
        _terminalPhase = PodPhases.Failed;
        BeginShutdown(PodGrace);
    }
}

using k8s.Models;
using Microsoft.Extensions.Logging;
using MiniKube.Sup.Events;
using MiniKube.Sup.Probes;
using MiniKube.Sup.Runtime;

namespace MiniKube.Sup.Pods;

/// <summary>The pod worker's termination part: the pod's shutdown order (regular containers first, then sidecars in
/// reverse order), kills of one instance on the worker's own decision, and the preStop hook. Each stop is one
/// awaited <see cref="ContainerStop"/> whose outcome comes back to the loop.</summary>
public sealed partial class PodWorker
{
    private TimeSpan PodGrace => TimeSpan.FromSeconds(_pod.Spec.TerminationGracePeriodSeconds ?? 30);

    private void BeginShutdown(TimeSpan grace)
    {
        if (_shuttingDown) return;
        _shuttingDown = true;
        _shutdownDeadline = Time.GetUtcNow() + grace;
        foreach (var slot in AllSlots())
        {
            slot.PendingRestart?.Cancel();
            slot.PendingRestart = null;
            // k8s: on deletion liveness and startup stop; readiness goes on probing during termination.
            slot.Health?.StopKillers();
        }
        foreach (var slot in _regular.Concat(_init.Where(s => s.Kind == ContainerKind.Init)).Where(s => s.IsRunning))
            Terminate(slot, $"Stopping container {slot.Name}", _shutdownDeadline);
    }

    /// <summary>Regular containers first; once they are all down, sidecars one by one in reverse order.</summary>
    private void CheckShutdownProgress()
    {
        if (!_shuttingDown) return;
        if (_regular.Any(s => s.IsActive) || _init.Any(s => s.Kind == ContainerKind.Init && s.IsActive)) return;
        var sidecar = _init.LastOrDefault(s => s.Kind == ContainerKind.Sidecar && s.IsRunning);
        if (sidecar is { Stopping: false }) Terminate(sidecar, $"Stopping container {sidecar.Name}", _shutdownDeadline);
    }

    /// <summary>
    /// Kills one container instance on the worker's own decision: preStop, SIGTERM, and SIGKILL after
    /// <paramref name="grace"/> (at least 2 s), with a Normal Killing event saying <paramref name="killingMessage"/>.
    /// When it has exited, its terminated state carries <paramref name="terminatedReason"/> and
    /// <paramref name="terminatedMessage"/> (null: from the exit code) and it is restarted per restartPolicy with
    /// CrashLoopBackOff — whatever its exit code when <paramref name="restartUnlessNever"/> (k8s: after a liveness
    /// or startup kill, even under OnFailure). Used for probe and postStart failures, and for step timeouts.
    /// </summary>
    private void KillForRestart(ContainerSlot slot, string killingMessage, TimeSpan grace, bool restartUnlessNever,
        string? terminatedReason = null, string? terminatedMessage = null, bool asked = false)
    {
        if (_shuttingDown || slot.Stopping || !slot.IsRunning) return;
        slot.Kill = new KillIntent(restartUnlessNever, terminatedReason, terminatedMessage, asked);
        slot.Health?.StopKillers();
        Terminate(slot, killingMessage, Time.GetUtcNow() + grace);
    }

    /// <summary>k8s killContainer: the preStop hook (if any) within the grace period, then SIGTERM to the whole
    /// container, then SIGKILL once max(what is left of the grace period, 2 s) has passed. The exit itself comes to
    /// the loop from the instance's watch; the stop's outcome comes as <see cref="PodEvent.Stopped"/>.</summary>
    private void Terminate(ContainerSlot slot, string message, DateTimeOffset deadline)
    {
        if (slot.Stopping || slot.Process is not { } process) return;
        slot.Stopping = true;
        Record(SupEvent.Normal, "Killing", message, slot);
        Func<CancellationToken, Task>? preStop = slot.Spec.Lifecycle?.PreStop is { } hook && slot.Health?.Target is { } target
            ? abandon => RunPreStopAsync(slot, hook, target, abandon)
            : null;
        var instance = slot.Instance;
        // Off the loop: the hook and the signals may block (an exec hook spawns, a signal to a container without a
        // cgroup scans /proc).
        var stop = Task.Run(() => process.StopAsync(deadline, Time, _context.CleanupTimeout, preStop));
        _ = stop.ContinueWith(t => _events.Writer.TryWrite(new PodEvent.Stopped(slot, instance, t)), TaskScheduler.Default);
    }

    private void OnStopped(PodEvent.Stopped e)
    {
        if (e.Outcome.Exception is { } failure) LogStopFailed(_context.Logger, failure.GetBaseException(), Name, e.Slot.Name);
        else if (e.Outcome.Result is { Exited: false }) LogNotGoneAfterKill(_context.Logger, Name, e.Slot.Name, _context.CleanupTimeout.TotalSeconds);
    }

    /// <summary>k8s executePreStopHook: the hook runs until it ends or is abandoned at the deadline
    /// (<paramref name="abandon"/>); a failure is logged and recorded.</summary>
    private async Task RunPreStopAsync(ContainerSlot slot, V1LifecycleHandler hook, ProbeTarget target, CancellationToken abandon)
    {
        ProbeOutcome outcome;
        try
        {
            outcome = await _context.Prober.ProbeAsync(new ProbeRequest(ProbePurpose.PreStop, ProbeAction.From(hook), target, Timeout.InfiniteTimeSpan), abandon)
                .ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (abandon.IsCancellationRequested)
        {
            LogPreStopAbandoned(_context.Logger, Name, slot.Name);
            return;
        }
        catch (Exception e)
        {
            outcome = ProbeOutcome.Failure(e.Message);
        }
        if (outcome.Status is ProbeStatus.Failure or ProbeStatus.Error)
        {
            LogPreStopFailed(_context.Logger, Name, slot.Name, HookFailureMessage(hook, slot, outcome));
            // k8s: the event does not carry the hook's output, so that no secret leaks through it.
            Record(SupEvent.Warning, "FailedPreStopHook", "PreStopHook failed", slot);
        }
    }

    /// <summary>k8s lifecycle/handlers.go messages.</summary>
    private string HookFailureMessage(V1LifecycleHandler hook, ContainerSlot slot, ProbeOutcome outcome)
    {
        var pod = $"{Name}_{_pod.Metadata.NamespaceProperty ?? "default"}({_pod.Metadata.Uid})";
        var where = $"for Container \"{slot.Name}\" in Pod \"{pod}\" failed - error: {outcome.Output}";
        if (hook.Exec is { } exec) return $"Exec lifecycle hook ([{string.Join(' ', exec.Command ?? [])}]) {where}";
        if (hook.HttpGet is { } http) return $"HTTP lifecycle hook ({http.Path}) {where}";
        if (hook.Sleep is { } sleep) return $"Sleep lifecycle hook ({sleep.Seconds}) {where}";
        return $"Cannot run handler: {outcome.Output}";
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "pod {Pod}: PreStop hook of container {Container} not completed in grace period")]
    private static partial void LogPreStopAbandoned(ILogger logger, string pod, string container);

    [LoggerMessage(Level = LogLevel.Warning, Message = "pod {Pod}: PreStop hook of container {Container} failed: {Message}")]
    private static partial void LogPreStopFailed(ILogger logger, string pod, string container, string message);

    [LoggerMessage(Level = LogLevel.Error, Message = "pod {Pod}: stopping container {Container} failed")]
    private static partial void LogStopFailed(ILogger logger, Exception e, string pod, string container);

    [LoggerMessage(Level = LogLevel.Warning, Message = "pod {Pod}: container {Container} was still running {Seconds}s after SIGKILL")]
    private static partial void LogNotGoneAfterKill(ILogger logger, string pod, string container, double seconds);
}

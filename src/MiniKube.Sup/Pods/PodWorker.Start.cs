using MiniKube.Sup.Events;
using MiniKube.Sup.Processes;
using MiniKube.Sup.Runtime;
using MiniKube.Sup.Volumes;

namespace MiniKube.Sup.Pods;

/// <summary>The pod worker's start of a container instance: the launch is built on the loop, the runtime starts it
/// (a host process at once; an engine's container takes most of a second, and then its outcome comes back to the
/// loop as <see cref="PodEvent.StartDone"/>, so that the loop never waits for it), and the outcome is acted on:
/// running, a start error (k8s StartError, exit code 128), or a container that cannot be created yet and waits.</summary>
public sealed partial class PodWorker
{
    private IContainerRuntime Runtime => _context.Runtime;

    private void StartContainer(ContainerSlot slot)
    {
        slot.Instance++;
        var instance = slot.Instance;
        ContainerLaunch launch;
        try
        {
            launch = BuildLaunch(slot); // throws ContainerConfigException for a missing ConfigMap/Secret
        }
        catch (ContainerConfigException e)
        {
            OnCreateError(slot, ContainerCreateException.ConfigError, e.Message);
            return;
        }
        Task<IContainerInstance> start;
        try { start = Runtime.StartAsync(launch, CancellationToken.None); }
        catch (Exception e) { start = Task.FromException<IContainerInstance>(e); }
        if (start.IsCompleted)
        {
            OnStartDone(slot, instance, start);
            return;
        }
        slot.Starting = true;
        _ = start.ContinueWith(t => _events.Writer.TryWrite(new PodEvent.StartDone(slot, instance, t)), TaskScheduler.Default);
    }

    private void OnStartDone(ContainerSlot slot, int instance, Task<IContainerInstance> start)
    {
        slot.Starting = false;
        PruneOldLogs(slot);
        var now = Time.GetUtcNow();
        if (!start.IsCompletedSuccessfully)
        {
            switch (start.Exception?.GetBaseException())
            {
                case ContainerCreateException create when create.Reason == ContainerCreateException.ErrImagePull:
                    OnImagePullFailed(slot, instance);
                    return;
                case ContainerCreateException create:
                    OnCreateError(slot, create.Reason, create.Message);
                    return;
                case ContainerStartException e:
                    OnStartError(slot, e.Message, now);
                    return;
                case var e:
                    // A runtime that failed in a way it did not foresee: the container cannot be created; it is tried again.
                    OnCreateError(slot, ContainerCreateException.CreateError, e?.Message ?? "the start was cancelled");
                    return;
            }
        }
        var process = start.Result;
        slot.MarkRunning(process, now);
        Record(SupEvent.Normal, "Started", $"Started container {slot.Name}", slot);
        _ = WatchExitAsync(slot, instance, process);
        if (_shuttingDown)
        {
            // It started while the pod was being stopped: it is stopped in turn.
            Terminate(slot, $"Stopping container {slot.Name}", _shutdownDeadline);
            return;
        }
        StartHealth(slot, process);
        StartStepTimer(slot);
    }

    private void OnStartError(ContainerSlot slot, string message, DateTimeOffset now)
    {
        Record(SupEvent.Warning, "Failed", $"Error: {message}", slot);
        slot.Process = null;
        OnExited(slot, ExitStatus.Exited(128), now, "StartError", message, startedAt: now);
    }

    /// <summary>k8s: a container that cannot be created (its ConfigMap, Secret or key is missing; the engine refused
    /// its config) waits with the reason (CreateContainerConfigError, "Error: configmap \"x\" not found" as a Failed
    /// event) and is tried again on a later sync.</summary>
    private void OnCreateError(ContainerSlot slot, string reason, string message)
    {
        slot.MarkWaiting(reason, message);
        var instance = slot.Instance;
        RetryAfterInterval(() =>
        {
            if (slot.Instance == instance && _terminalPhase is null) StartContainer(slot);
        });
        Record(SupEvent.Warning, "Failed", $"Error: {message}", slot);
    }

    /// <summary>k8s image puller: the failed pull (the runtime reported "Failed to pull image" already) leaves the
    /// container waiting in ErrImagePull; on the next sync it shows ImagePullBackOff until the pull backoff (10 s
    /// doubling to 300 s, as a crash loop's) has passed, then the pull is tried again.</summary>
    private void OnImagePullFailed(ContainerSlot slot, int instance)
    {
        var image = slot.Spec.Image;
        slot.MarkWaiting(ContainerCreateException.ErrImagePull, $"failed to pull image \"{image}\"");
        Record(SupEvent.Warning, "Failed", $"Error: {ContainerCreateException.ErrImagePull}", slot);
        var now = Time.GetUtcNow();
        slot.PullBackoff.Next(now, now);
        var delay = slot.PullBackoff.CurrentDelay ?? TimeSpan.Zero;
        var backOffMessage = $"Back-off pulling image \"{image}\"";
        _timers.After(delay / 2 < ImagePullBackOffShownAfter ? delay / 2 : ImagePullBackOffShownAfter, new PodEvent.SetupRetry(() =>
        {
            if (slot.Instance != instance || slot.Waiting?.Reason != ContainerCreateException.ErrImagePull) return;
            slot.MarkWaiting(ContainerCreateException.ImagePullBackOff, backOffMessage);
            Record(SupEvent.Normal, "BackOff", backOffMessage, slot);
            Record(SupEvent.Warning, "Failed", $"Error: {ContainerCreateException.ImagePullBackOff}", slot);
        }));
        _timers.After(delay, new PodEvent.SetupRetry(() =>
        {
            if (slot.Instance == instance && _terminalPhase is null) StartContainer(slot);
        }));
    }

    /// <summary>How long ErrImagePull shows before ImagePullBackOff (the kubelet's next sync of the pod); at most half
    /// the backoff, so that ImagePullBackOff shows too however short the backoff is.</summary>
    private static readonly TimeSpan ImagePullBackOffShownAfter = TimeSpan.FromSeconds(1);
}

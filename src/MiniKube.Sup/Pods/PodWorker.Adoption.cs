using k8s.Models;
using Microsoft.Extensions.Logging;
using MiniKube.Sup.Processes;
using MiniKube.Sup.Runtime;
using MiniKube.Sup.Volumes;

namespace MiniKube.Sup.Pods;

/// <summary>
/// The pod worker's side of adoption (SPEC §3): a pod that an earlier daemon ran goes on from its stored status
/// instead of from nothing. Its containers still running (<see cref="ContainerAdoption"/>) are taken back with their
/// pids, instance numbers, restart counts, start times, readiness and last terminations; init containers that had
/// completed stay completed; a container that ended while no daemon watched it is counted as the kubelet counts a
/// container it lost (exit code 137, reason <c>ContainerStatusUnknown</c>) and its restart policy decides what
/// follows. An image pod's sandbox is taken back with its containers (its network namespace, IP and published ports).
/// And the other way: a daemon stopping with --keep-running lets go of the pod without touching its processes
/// (<see cref="Detach"/>).
/// </summary>
public sealed partial class PodWorker
{
    private readonly IReadOnlyList<AdoptedInstance>? _adopted;
    private bool _detaching;

    /// <summary>The daemon stops and leaves the pod's containers running for the next one to adopt: probes, hooks and
    /// timers stop, nothing is signalled, and the worker finishes.</summary>
    public void Detach() => _events.Writer.TryWrite(new PodEvent.Detach());

    private void OnDetach()
    {
        _detaching = true;
        foreach (var slot in AllSlots())
        {
            slot.Process?.Release();
            slot.Health?.Stop();
            slot.Health = null;
            slot.StepTimer?.Cancel();
            slot.StepTimer = null;
        }
        _timers.CancelAll();
        _events.Writer.TryComplete();
        foreach (var w in _stopWaiters) w.TrySetResult();
    }

    /// <summary>Before the first <see cref="Advance"/>: the stored status of a pod an earlier daemon ran, and the
    /// instances of it that still run.</summary>
    private void Resume()
    {
        RemoveStalePipes();
        if (_pod.Status is not { } stored || _adopted is null) return;
        // An image pod's containers run in its sandbox: it is taken back with them (else made afresh, without them).
        if (_adopted.Count > 0 && _runsImages) AdoptSandbox();
        if (!VolumesReady() || !SandboxReady())
        {
            // Its containers cannot be given what they run with: they start again once it can be.
            foreach (var a in _adopted) Native.kill(-a.Pid, Native.SIGKILL);
            if (_runsImages && _sandbox is { } kept)
            {
                // Its engine removes them with their sandbox, which is made again.
                _network?.Dispose();
                _network = null;
                _sandbox = null;
                _ = RemoveSandboxQuietlyAsync(kept);
            }
            return;
        }
        _conditions = stored.Conditions?.ToList();
        var now = Time.GetUtcNow();
        foreach (var slot in AllSlots())
        {
            var status = (slot.Kind == ContainerKind.Regular ? stored.ContainerStatuses : stored.InitContainerStatuses)?.FirstOrDefault(s => s.Name == slot.Name);
            if (status is null) continue;
            slot.RestartCount = status.RestartCount;
            slot.LastTerminated = status.LastState?.Terminated;
            if (slot.Kind == ContainerKind.Init && status.State?.Terminated is { ExitCode: 0 } completed)
            {
                slot.Instance = 1;
                slot.EverStarted = true;
                slot.InitDone = true;
                slot.MarkTerminated(completed);
                continue;
            }
            if (status.State?.Running is not { } running) continue;
            var startedAt = running.StartedAt is { } s ? new DateTimeOffset(s, TimeSpan.Zero) : now;
            if (_adopted.FirstOrDefault(a => a.Container == slot.Name) is { } instance && Adopt(slot, instance, status, startedAt)) continue;
            // It ended while no daemon watched it: what it exited with cannot be known.
            slot.Instance = 1;
            slot.EverStarted = true;
            slot.RunningSince = startedAt;
            OnExited(slot, ExitStatus.Exited(137), now, HostProcess.UnknownReason,
                "The container ended while no sup daemon ran: its exit status is unknown", startedAt);
        }
    }

    private void AdoptSandbox()
    {
        if (Runtime.AdoptSandbox(BuildSandboxRequest()) is not { } sandbox) return;
        try
        {
            AttachNetwork(sandbox);
            _sandbox = sandbox;
            FindEngineHostsFile(sandbox);
        }
        catch (Networking.NetworkNamespaceGoneException e)
        {
            LogAdoptFailed(_context.Logger, Name, "(sandbox)", e.Message);
        }
    }

    /// <summary>The named pipes of instances an earlier daemon left that are not adopted (killed by the sweep at start,
    /// or ended): nothing will read them again.</summary>
    private void RemoveStalePipes()
    {
        var directory = Path.Combine(_context.Paths.PodDirectory(DiskName), "out");
        if (!Directory.Exists(directory)) return;
        var kept = (_adopted ?? []).Select(a => $"{a.Container}.{a.Instance}").ToHashSet(StringComparer.Ordinal);
        try
        {
            foreach (var file in Directory.EnumerateFiles(directory))
                if (!kept.Contains(Path.GetFileName(file))) File.Delete(file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { /* stale names only; a new instance replaces its own */ }
    }

    private bool Adopt(ContainerSlot slot, AdoptedInstance instance, V1ContainerStatus status, DateTimeOffset startedAt)
    {
        slot.Instance = instance.Instance;
        IContainerInstance? process = null;
        try { process = Runtime.Adopt(BuildLaunch(slot), instance.Pid); }
        catch (Exception e) when (e is ContainerConfigException or IOException)
        {
            LogAdoptFailed(_context.Logger, Name, slot.Name, e.Message);
        }
        if (process is null)
        {
            LogAdoptFailed(_context.Logger, Name, slot.Name, "its runtime cannot take it back");
            Native.kill(-instance.Pid, Native.SIGKILL);
            slot.Instance = 0;
            return false;
        }
        slot.MarkRunning(process, startedAt);
        // As it was: its postStart ran, its startup probe passed, its readiness is the last one reported (a Service
        // keeps it until a probe says otherwise).
        slot.PostStartDone = true;
        slot.StartupSucceeded = status.Started == true;
        slot.ReadinessSucceeded = status.Ready;
        slot.LastTerminated = status.LastState?.Terminated;
        _ = WatchExitAsync(slot, slot.Instance, process);
        StartHealth(slot, process);
        StartStepTimer(slot);
        LogAdopted(_context.Logger, Name, slot.Name, instance.Pid);
        return true;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "pod {Pod}: container {Container} adopted (pid {Pid}), as an earlier daemon left it running")]
    private static partial void LogAdopted(ILogger logger, string pod, string container, int pid);

    [LoggerMessage(Level = LogLevel.Warning, Message = "pod {Pod}: container {Container} could not be adopted and is started again: {Why}")]
    private static partial void LogAdoptFailed(ILogger logger, string pod, string container, string why);
}

using System.Globalization;
using MiniKube.Sup.Events;
using MiniKube.Sup.Runtime;
using MiniKube.Sup.Spec;
using MiniKube.Sup.Processes;

namespace MiniKube.Sup.Pods;

/// <summary>
/// The pod worker's hang check for Job steps (SPEC §3, a sup extension: Kubernetes has no per-container run
/// timeout). A step — an init container or a container — that runs longer than its
/// <c>sup.minikube.io/step-timeout-seconds.&lt;container&gt;</c> (else <c>sup.minikube.io/step-timeout-seconds</c>)
/// pod annotation is hung: it is killed as a liveness failure is (SIGTERM to its group, the pod's grace period,
/// SIGKILL), its terminated state says <c>DeadlineExceeded</c>, and it is retried per restartPolicy — in place with
/// CrashLoopBackOff under OnFailure, as a failed pod (a new attempt from step 1, by the Job) under Never.
/// </summary>
public sealed partial class PodWorker
{
    /// <summary>The terminated reason of a hung step (the one Kubernetes gives a pod killed at its deadline).</summary>
    public const string HungReason = "DeadlineExceeded";

    /// <summary>Arms the step timeout of a container instance that just started (sidecars have none).</summary>
    private void StartStepTimer(ContainerSlot slot)
    {
        slot.StepTimer?.Cancel();
        slot.StepTimer = null;
        if (slot.Kind == ContainerKind.Sidecar || StepTimeout(slot.Name) is not { } timeout) return;
        slot.StepTimer = _timers.After(timeout, new PodEvent.StepTimedOut(slot, slot.Instance, timeout));
    }

    private void OnStepTimedOut(PodEvent.StepTimedOut e)
    {
        var slot = e.Slot;
        if (slot.Instance != e.Instance || !slot.IsRunning || slot.Stopping || _shuttingDown) return;
        var seconds = e.Timeout.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture);
        Record(SupEvent.Warning, HungReason, $"Container {slot.Name} ran longer than its step timeout of {seconds}s and is considered hung", slot);
        KillForRestart(slot, $"Container {slot.Name} exceeded its step timeout" + (WillRestartAfterKill(slot) ? ", will be restarted" : ""),
            PodGrace, restartUnlessNever: true, HungReason, $"Step ran longer than its timeout of {seconds}s");
    }

    /// <summary>A hung step failed, whatever it exited with once killed (a step that catches SIGTERM and exits 0
    /// did not finish its work).</summary>
    private static ExitStatus HungStepStatus(ExitStatus status, KillIntent? kill) =>
        kill?.TerminatedReason == HungReason && status.Succeeded ? ExitStatus.Exited(143) : status;

    /// <summary>A liveness kill of a Job's step is a hang too (SPEC §3): its terminated reason says so.</summary>
    private string? LivenessKillReason => _pod.Metadata.OwnerReferences?.Any(r => r.Kind == "Job" && r.Controller == true) == true ? HungReason : null;

    private TimeSpan? StepTimeout(string container) => SupAnnotations.StepTimeout(_pod.Metadata.Annotations, container);
}

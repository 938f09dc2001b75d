namespace MiniKube.Sup.Pods;

/// <summary>Why the pod worker kills a container instance itself (a failed liveness or startup probe, a failed
/// postStart hook, a step timeout): whether it is restarted whatever its exit code (k8s: after a probe kill,
/// under any restartPolicy but Never), and the reason and message its terminated state shows (null: from the
/// exit code, as for any exit).</summary>
/// <param name="Asked">a restart someone asked for (files changed, <see cref="PodWorker.RestartContainers"/>): the
/// container starts again at once whatever its restartPolicy, and the restart is no crash (no back-off)</param>
internal sealed record KillIntent(bool RestartUnlessNever, string? TerminatedReason, string? TerminatedMessage, bool Asked = false);

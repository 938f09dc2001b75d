namespace MiniKube.Sup.Pods;

/// <summary>What the pod worker decided about the pod as a whole, beyond its containers' states: when it started,
/// its IP, whether its init containers are done (once true, it stays true) or failed for good, and the terminal
/// phase with its reason and message once the pod is over (null while it runs).</summary>
internal sealed record PodProgress(
    string RestartPolicy,
    DateTimeOffset StartTime,
    string? PodIp,
    bool Initialized,
    bool InitFailed = false,
    string? TerminalPhase = null,
    string? Reason = null,
    string? Message = null);

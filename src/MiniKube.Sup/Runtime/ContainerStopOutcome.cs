namespace MiniKube.Sup.Runtime;

/// <summary>How a stop went: whether the preStop hook was abandoned at the deadline, whether SIGKILL was needed, and
/// whether the main process was gone by the end of the bounded wait.</summary>
public sealed record ContainerStopOutcome(bool PreStopAbandoned, bool Killed, bool Exited);

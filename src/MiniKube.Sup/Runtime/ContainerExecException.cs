namespace MiniKube.Sup.Runtime;

/// <summary>A command could not be run in a container at all (no such executable, no output pipe): k8s reports it as
/// a probe error (its result is discarded) and as a failed hook.</summary>
public sealed class ContainerExecException(string message, Exception? inner = null) : Exception(message, inner);

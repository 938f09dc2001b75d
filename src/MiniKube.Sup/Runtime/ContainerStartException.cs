namespace MiniKube.Sup.Runtime;

/// <summary>The container could not be started at all (no such executable, bad working directory): Kubernetes
/// reports this as a terminated container with reason StartError and exit code 128.</summary>
public sealed class ContainerStartException(string message, Exception? inner = null) : Exception(message, inner);

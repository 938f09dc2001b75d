namespace MiniKube.Sup.Api.ResourceMetrics;

/// <summary>One container's usage as metrics.k8s.io reports it: CPU in nanocores (averaged over
/// <paramref name="Window"/>) and memory as working set bytes at <paramref name="Timestamp"/>.</summary>
public readonly record struct ContainerUsage(string Namespace, string Pod, string Container, long CpuNanoCores, long MemoryBytes, DateTimeOffset Timestamp, TimeSpan Window);

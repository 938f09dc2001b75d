using k8s.Models;

namespace MiniKube.Sup.Probes;

/// <summary>Where a handler runs: the container (its spec for named ports, its environment and working
/// directory for exec, the owner mark its processes carry, its cgroup when it has one) and the pod's IP (the
/// default host).</summary>
public sealed record ProbeTarget(
    string PodName,
    string? PodIp,
    V1Container Container,
    IReadOnlyDictionary<string, string> Environment,
    string WorkingDirectory,
    string OwnerToken,
    string? Cgroup = null);

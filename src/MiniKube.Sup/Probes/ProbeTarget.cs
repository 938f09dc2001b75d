using k8s.Models;
using MiniKube.Sup.Runtime;

namespace MiniKube.Sup.Probes;

/// <summary>Where a handler runs: the container (its spec for named ports and $(VAR) in exec commands, its running
/// instance for exec, which its runtime runs inside it) and the pod's IP (the default host).</summary>
public sealed record ProbeTarget(
    string PodName,
    string? PodIp,
    V1Container Container,
    IContainerInstance Instance);

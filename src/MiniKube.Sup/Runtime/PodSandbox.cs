namespace MiniKube.Sup.Runtime;

/// <summary>
/// What a pod's containers share, once made (k8s PodSandbox): its IP, and for a pod in a network namespace of its
/// own, a process in that namespace (<c>/proc/&lt;pid&gt;/ns/net</c>), through which the daemon opens the pod's
/// sockets (probes, Service upstreams and listeners). A host pod, or one on the host's network, has none.
/// </summary>
/// <param name="Id">the engine's id of the sandbox; null when nothing was created (a host pod)</param>
public sealed record PodSandbox(string PodIp, int? NetworkNamespacePid, string? Id = null)
{
    /// <summary>What the daemon cannot do for this pod's network, in words for a Warning event (rootless podman: its
    /// namespace cannot be entered); null when nothing is missing.</summary>
    public string? NetworkLimitation { get; init; }

    /// <summary>A pod whose processes run on the host, sharing its network: nothing to create or remove.</summary>
    public static PodSandbox Host(string podIp) => new(podIp, null);
}

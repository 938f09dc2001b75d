using System.Net;
using k8s.Models;

namespace MiniKube.Sup.Spec;

/// <summary>Where a Service's proxy listens (SPEC §3): its spec.clusterIP when that is a loopback address, else
/// 127.0.0.1. A headless Service (clusterIP: None) has no proxy.</summary>
public static class ServiceAddress
{
    public static IPAddress? Of(V1Service service)
    {
        var ip = service.Spec?.ClusterIP;
        if (ip == "None") return null;
        return IPAddress.TryParse(ip, out var address) && IPAddress.IsLoopback(address) && address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork
            ? address
            : IPAddress.Loopback;
    }

    /// <summary>Whether pods with a network namespace of their own (image pods) are given the Service at
    /// <paramref name="address"/>: not at 127.0.0.1, which inside such a pod is the pod's own (its containers keep
    /// their ports there).</summary>
    public static bool IsGivenToIsolatedPods(IPAddress address) => !address.Equals(IPAddress.Loopback);
}

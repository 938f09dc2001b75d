using System.Net;
using System.Net.Sockets;
using k8s.Models;

namespace MiniKube.Sup.Spec;

/// <summary>
/// Where a Service is reached. On the host (SPEC §3) its proxy listens on its spec.clusterIP when that is a loopback
/// address, else on 127.0.0.1. A pod with a network namespace of its own (an image pod) cannot be given 127.0.0.1,
/// which inside it is the pod's own (its containers keep their ports there): it reaches such a Service at an address
/// of <see cref="PodRange"/> instead, as a cluster gives every Service an IP of its own. A headless Service
/// (clusterIP: None) has no proxy.
/// </summary>
public static class ServiceAddress
{
    /// <summary>Where image pods reach the Services that listen on 127.0.0.1 on the host: an address of their own,
    /// outside the pods' range (127.0.0.0/16), that exists only inside pods (the pod's rules send it to the
    /// daemon's gateway there; nothing listens on it on the host).</summary>
    public static IPNetwork PodRange { get; } = new(new IPAddress([127, 253, 0, 0]), 16);

    public static IPAddress? Of(V1Service service)
    {
        var ip = service.Spec?.ClusterIP;
        if (ip == "None") return null;
        return IPAddress.TryParse(ip, out var address) && IPAddress.IsLoopback(address) && address.AddressFamily == AddressFamily.InterNetwork
            ? address
            : IPAddress.Loopback;
    }

    /// <summary>The key of <see cref="InPods"/>: namespace/name.</summary>
    public static string KeyOf(V1Service service) => $"{service.Metadata?.NamespaceProperty ?? "default"}/{service.Metadata?.Name}";

    /// <summary>
    /// Where image pods reach each Service with a proxy (by <see cref="KeyOf"/>): its own loopback clusterIP, or, for
    /// one on 127.0.0.1, an address of <see cref="PodRange"/> picked from a hash of its namespace and name, so that it
    /// stays the same while other Services come and go (a pod's /etc/hosts is written when the pod is made). Two that
    /// hash alike: the older Service keeps the address and the younger takes the next free one.
    /// </summary>
    public static IReadOnlyDictionary<string, IPAddress> InPods(IEnumerable<V1Service> services)
    {
        var result = new Dictionary<string, IPAddress>(StringComparer.Ordinal);
        var taken = new HashSet<uint>();
        var onLoopback = new List<V1Service>();
        foreach (var service in services)
        {
            if (Of(service) is not { } address) continue;
            if (address.Equals(IPAddress.Loopback)) onLoopback.Add(service);
            else result[KeyOf(service)] = address;
        }
        var size = (uint)1 << (32 - PodRange.PrefixLength);
        var baseAddress = Value(PodRange.BaseAddress);
        foreach (var service in onLoopback
                     .OrderBy(s => s.Metadata?.CreationTimestamp ?? DateTime.MaxValue)
                     .ThenBy(KeyOf, StringComparer.Ordinal))
        {
            var key = KeyOf(service);
            // 1 .. size-2: neither the range's first nor its last address.
            var offset = Fnv1a(key) % (size - 2) + 1;
            while (!taken.Add(offset)) offset = offset % (size - 2) + 1;
            result[key] = Address(baseAddress + offset);
        }
        return result;
    }

    private static uint Fnv1a(string text)
    {
        var hash = 2166136261u;
        foreach (var c in text)
        {
            hash ^= c;
            hash *= 16777619u;
        }
        return hash;
    }

    private static uint Value(IPAddress address)
    {
        var b = address.GetAddressBytes();
        return (uint)(b[0] << 24 | b[1] << 16 | b[2] << 8 | b[3]);
    }

    private static IPAddress Address(uint value) =>
        new([(byte)(value >> 24), (byte)(value >> 16), (byte)(value >> 8), (byte)value]);
}

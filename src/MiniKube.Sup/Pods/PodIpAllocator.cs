using System.Net;

namespace MiniKube.Sup.Pods;

/// <summary>
/// Gives every pod its own loopback address (SPEC §3): 127.0.1.1 to 127.0.255.254, so that replicas can all
/// listen on the same containerPort. Addresses are handed out round-robin, so a released one is not reused at
/// once (a new pod must not inherit the old one's connections in TIME_WAIT or its clients' caches).
/// </summary>
public sealed class PodIpAllocator
{
    private const uint First = (127u << 24) | (1u << 8) | 1u;   // 127.0.1.1
    private const uint Last = (127u << 24) | (255u << 8) | 254u; // 127.0.255.254

    /// <summary>Where pods' addresses are: 127.0.0.0/16, less <see cref="NotPods"/>.</summary>
    public static IPNetwork Range { get; } = new(new IPAddress([127, 0, 0, 0]), 16);

    /// <summary>127.0.0.0/24: the host's own 127.0.0.1 and Services' addresses, never a pod's.</summary>
    public static IPNetwork NotPods { get; } = new(new IPAddress([127, 0, 0, 0]), 24);

    private readonly Lock _gate = new();
    private readonly HashSet<uint> _used = [];
    private uint _next = First;

    public string Allocate()
    {
        lock (_gate)
        {
            for (var tries = 0u; tries <= Last - First; tries++)
            {
                var candidate = _next;
                _next = _next >= Last ? First : _next + 1;
                var last = candidate & 0xff;
                if (last is 0 or 255 || !_used.Add(candidate)) continue;
                return Format(candidate);
            }
            throw new InvalidOperationException("no loopback address left for a new pod (127.0.1.1-127.0.255.254 are all in use)");
        }
    }

    public void Release(string? ip)
    {
        if (ip is null || !IPAddress.TryParse(ip, out var address)) return;
        var bytes = address.GetAddressBytes();
        if (bytes.Length != 4) return;
        lock (_gate) _used.Remove(((uint)bytes[0] << 24) | ((uint)bytes[1] << 16) | ((uint)bytes[2] << 8) | bytes[3]);
    }

    private static string Format(uint a) => $"{a >> 24}.{(a >> 16) & 0xff}.{(a >> 8) & 0xff}.{a & 0xff}";
}

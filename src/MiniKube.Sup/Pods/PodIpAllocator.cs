using System.Net;
using MiniKube.Sup.Networking;

namespace MiniKube.Sup.Pods;

/// <summary>
/// Gives every pod its own loopback address (SPEC §3) from the daemon's <see cref="PodAddressRange"/> (by default
/// 127.0.1.1 to 127.0.255.254), so that replicas can all listen on the same containerPort. Addresses are handed out
/// round-robin, so a released one is not reused at once (a new pod must not inherit the old one's connections in
/// TIME_WAIT or its clients' caches).
/// </summary>
public sealed class PodIpAllocator(PodAddressRange range)
{
    private readonly Lock _gate = new();
    private readonly HashSet<uint> _used = [];
    private uint _next = range.First;

    public PodIpAllocator() : this(PodAddressRange.Default)
    {
    }

    public PodAddressRange Range => range;

    public string Allocate()
    {
        lock (_gate)
        {
            for (var tries = 0u; tries <= range.Last - range.First; tries++)
            {
                var candidate = _next;
                _next = _next >= range.Last ? range.First : _next + 1;
                var last = candidate & 0xff;
                if (last is 0 or 255 || !_used.Add(candidate)) continue;
                return PodAddressRange.Format(candidate);
            }
            throw new InvalidOperationException($"no loopback address left for a new pod ({PodAddressRange.Format(range.First)}-{PodAddressRange.Format(range.Last)} are all in use)");
        }
    }

    /// <summary>Takes <paramref name="ip"/> for a pod that already has it (one adopted from an earlier daemon), if it is
    /// in the range and free.</summary>
    public bool TryReserve(string? ip)
    {
        if (ip is null || !IPAddress.TryParse(ip, out var address) || address.AddressFamily != System.Net.Sockets.AddressFamily.InterNetwork) return false;
        var value = PodAddressRange.Value(address);
        if (value < range.First || value > range.Last) return false;
        lock (_gate) return _used.Add(value);
    }

    public void Release(string? ip)
    {
        if (ip is null || !IPAddress.TryParse(ip, out var address) || address.AddressFamily != System.Net.Sockets.AddressFamily.InterNetwork) return;
        lock (_gate) _used.Remove(PodAddressRange.Value(address));
    }
}

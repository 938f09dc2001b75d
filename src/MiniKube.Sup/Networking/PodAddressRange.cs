using System.Net;
using System.Net.Sockets;

namespace MiniKube.Sup.Networking;

/// <summary>
/// The loopback addresses one daemon gives its pods (SPEC §3): a network inside 127.0.0.0/8 that lies in one /16
/// "block" (127.B.0.0/16), so that daemons on one host claim whole blocks and never hand out the same pod IP
/// (<see cref="PodAddressLease"/>). Block 0 is today's range, 127.0.1.1-127.0.255.254: its first /24 holds the
/// host's own 127.0.0.1 and the Services' addresses, never a pod's.
/// </summary>
public sealed class PodAddressRange
{
    /// <summary>127.0.0.0/24: the host's own 127.0.0.1 and the Services' addresses, never a pod's.</summary>
    public static IPNetwork HostAddresses { get; } = new(new IPAddress([127, 0, 0, 0]), 24);

    /// <summary>127.253.0.0/16 exists only inside image pods, where it names the Services
    /// (<c>Spec.ServiceAddress.PodRange</c>): a pod IP there would be shadowed.</summary>
    public const int InPodServicesBlock = 253;

    /// <summary>The smallest range a daemon may be given: a /30 still has two pod addresses.</summary>
    public const int LongestPrefix = 30;

    private PodAddressRange(IPNetwork network)
    {
        Network = network;
        Block = network.BaseAddress.GetAddressBytes()[1];
        var size = 1u << (32 - network.PrefixLength);
        var first = Value(network.BaseAddress);
        // A /16 or /24-aligned range skips its .0 and .255 hosts (the allocator does), and block 0 its first /24.
        First = Block == 0 && network.PrefixLength <= 24 && first == Value(HostAddresses.BaseAddress) ? first + 256 + 1 : first + 1;
        Last = first + size - 2;
    }

    /// <summary>Block 0: 127.0.0.0/16 less <see cref="HostAddresses"/>, the range of a daemon alone on its host.</summary>
    public static PodAddressRange Default { get; } = OfBlock(0);

    public IPNetwork Network { get; }

    /// <summary>B of 127.B.0.0/16, the block this range lies in (what daemons claim).</summary>
    public int Block { get; }

    /// <summary>The first and last address a pod may be given, as numbers (host order).</summary>
    public uint First { get; }
    public uint Last { get; }

    /// <summary>Whether <paramref name="address"/> is one this range gives pods.</summary>
    public bool Contains(IPAddress address) =>
        address.AddressFamily == AddressFamily.InterNetwork && Value(address) is var v && v >= First && v <= Last;

    /// <summary>The whole /16 block <paramref name="block"/> (0-255, not <see cref="InPodServicesBlock"/>).</summary>
    public static PodAddressRange OfBlock(int block)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(block);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(block, 255);
        if (block == InPodServicesBlock) throw new ArgumentOutOfRangeException(nameof(block), "127.253.0.0/16 names Services inside image pods");
        return new PodAddressRange(new IPNetwork(new IPAddress([127, (byte)block, 0, 0]), 16));
    }

    /// <summary>Reads a --pod-cidr value: an IPv4 network in 127.0.0.0/8 with a prefix of 16 to 30, outside the host's
    /// own 127.0.0.0/24 and 127.253.0.0/16.</summary>
    public static PodAddressRange? Parse(string text, out string? error)
    {
        error = null;
        if (text.Split('/') is not [var a, var p] || !IPAddress.TryParse(a, out var address) || address.AddressFamily != AddressFamily.InterNetwork
            || !int.TryParse(p, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var prefix) || prefix > 32)
        {
            error = $"expected a loopback network such as 127.5.0.0/16, got \"{text}\"";
            return null;
        }
        var network = new IPNetwork(Mask(address, prefix), prefix);
        if (!network.BaseAddress.Equals(address))
        {
            error = $"{text}: its address has bits set past /{prefix} (meant {network}?)";
            return null;
        }
        var bytes = network.BaseAddress.GetAddressBytes();
        if (bytes[0] != 127) error = $"{text} is not a loopback network: pods are given addresses in 127.0.0.0/8";
        else if (network.PrefixLength < 16) error = $"{text} spans more than one /16: give a network of 127.B.0.0/16 or smaller (daemons claim a /16 each)";
        else if (network.PrefixLength > LongestPrefix) error = $"{text} is too small: a /{LongestPrefix} is the smallest";
        else if (bytes[1] == InPodServicesBlock) error = $"{text} lies in 127.253.0.0/16, which names Services inside image pods";
        else if (HostAddresses.Contains(network.BaseAddress) && network.PrefixLength >= HostAddresses.PrefixLength)
            error = $"{text} lies in 127.0.0.0/24, the host's own addresses (127.0.0.1) and the Services'";
        return error is null ? new PodAddressRange(network) : null;
    }

    public override string ToString() => Network.ToString();

    public static uint Value(IPAddress address)
    {
        var b = address.GetAddressBytes();
        return (uint)b[0] << 24 | (uint)b[1] << 16 | (uint)b[2] << 8 | b[3];
    }

    public static string Format(uint a) => $"{a >> 24}.{(a >> 16) & 0xff}.{(a >> 8) & 0xff}.{a & 0xff}";

    private static IPAddress Mask(IPAddress address, int prefix)
    {
        var mask = prefix == 0 ? 0u : uint.MaxValue << (32 - prefix);
        var v = Value(address) & mask;
        return new IPAddress([(byte)(v >> 24), (byte)(v >> 16), (byte)(v >> 8), (byte)v]);
    }
}

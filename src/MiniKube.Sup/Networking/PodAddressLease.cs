using System.Net.Sockets;

namespace MiniKube.Sup.Networking;

/// <summary>
/// A daemon's claim on a /16 block of pod addresses (<see cref="PodAddressRange.Block"/>), held as long as the daemon
/// lives: an abstract Unix socket named after the block. Abstract names belong to the network namespace, as the
/// loopback addresses do, whoever the user (no file another user could pre-create or lock), and the kernel frees the
/// name when the daemon exits, however it exits: a second daemon finds the block taken and moves on (or, given the
/// block by --pod-cidr, refuses to start).
/// </summary>
public sealed class PodAddressLease : IDisposable
{
    private readonly Socket _claim;

    private PodAddressLease(PodAddressRange range, Socket claim)
    {
        Range = range;
        _claim = claim;
    }

    public PodAddressRange Range { get; }

    /// <summary>The abstract socket name that stands for a block.</summary>
    public static string NameOf(int block) => $"sup-pod-addresses-127.{block}.0.0/16";

    /// <summary>Claims <paramref name="asked"/>'s block, or, with none asked, the first free block: the one
    /// <paramref name="preferred"/> names (the block this state dir had last, so that a restarted daemon's pods keep
    /// their addresses' block), then 0, 1, 2 ... 255.</summary>
    /// <exception cref="PodAddressesTakenException">the asked block, or every block, is held by another daemon.</exception>
    public static PodAddressLease Claim(PodAddressRange? asked, int? preferred = null)
    {
        if (asked is not null)
            return TryClaim(asked) ?? throw new PodAddressesTakenException(
                $"pod addresses {asked}: another sup daemon on this host holds 127.{asked.Block}.0.0/16 (choose another --pod-cidr, or leave it out to take a free one)");
        IEnumerable<int> order = preferred is { } p and >= 0 and <= 255 and not PodAddressRange.InPodServicesBlock ? [p] : [];
        foreach (var block in order.Concat(Enumerable.Range(0, 256)).Where(b => b != PodAddressRange.InPodServicesBlock).Distinct())
        {
            if (TryClaim(PodAddressRange.OfBlock(block)) is { } lease) return lease;
        }
        throw new PodAddressesTakenException("pod addresses: every block of 127.0.0.0/8 is held by another sup daemon on this host");
    }

    private static PodAddressLease? TryClaim(PodAddressRange range)
    {
        // .NET makes sockets close-on-exec: no pod inherits the claim.
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            socket.Bind(new UnixDomainSocketEndPoint("\0" + NameOf(range.Block)));
            return new PodAddressLease(range, socket);
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.AddressAlreadyInUse)
        {
            socket.Dispose();
            return null;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    public void Dispose() => _claim.Dispose();
}

/// <summary>No block of pod addresses could be claimed (SPEC §4: the daemon cannot start, exit 3).</summary>
public sealed class PodAddressesTakenException(string message) : Exception(message);

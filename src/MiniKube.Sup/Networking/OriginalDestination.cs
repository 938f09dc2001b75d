using System.Net;
using System.Net.Sockets;

namespace MiniKube.Sup.Networking;

/// <summary>Where an accepted connection was headed before a netfilter REDIRECT sent it to our listener
/// (getsockopt SO_ORIGINAL_DST): the Service address and port a container dialled.</summary>
public static class OriginalDestination
{
    private const int SolIp = 0;          // IPPROTO_IP
    private const int SoOriginalDst = 80; // linux/netfilter_ipv4.h
    private const int SockaddrInSize = 16;

    /// <returns>the original IPv4 destination; null for a connection that was not redirected</returns>
    public static IPEndPoint? Of(Socket accepted)
    {
        Span<byte> sockaddr = stackalloc byte[SockaddrInSize]; // struct sockaddr_in: family, port (big-endian), address
        try
        {
            if (accepted.GetRawSocketOption(SolIp, SoOriginalDst, sockaddr) < 8) return null;
        }
        catch (SocketException)
        {
            return null; // ENOENT: it came straight here
        }
        return new IPEndPoint(new IPAddress(sockaddr.Slice(4, 4)), (sockaddr[2] << 8) | sockaddr[3]);
    }
}

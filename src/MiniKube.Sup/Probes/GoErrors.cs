using System.Net.Sockets;
using MiniKube.Sup.Networking;

namespace MiniKube.Sup.Probes;

/// <summary>Error texts as the kubelet's Go network stack prints them, so that event messages read as upstream.</summary>
internal static class GoErrors
{
    public static string Socket(SocketException e) => e is NetworkNamespaceGoneException ? e.Message : e.SocketErrorCode switch
    {
        SocketError.ConnectionRefused => "connect: connection refused",
        SocketError.TimedOut => "i/o timeout",
        SocketError.HostUnreachable => "connect: no route to host",
        SocketError.NetworkUnreachable => "connect: network is unreachable",
        SocketError.ConnectionReset => "read: connection reset by peer",
        SocketError.HostNotFound or SocketError.NoData => "no such host",
        _ => e.Message,
    };
}

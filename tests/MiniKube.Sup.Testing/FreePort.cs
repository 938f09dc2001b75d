using System.Net;
using System.Net.Sockets;

namespace MiniKube.Sup.Testing;

/// <summary>A TCP port nothing listens on at an address now (for what must be given a port number up front).</summary>
public static class FreePort
{
    public static int On(IPAddress address)
    {
        using var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(address, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }
}

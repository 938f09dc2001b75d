using System.Net;
using System.Net.Sockets;

namespace MiniKube.Sup.Networking;

/// <summary>Connect and listen on a socket made in whichever network it belongs to; the socket is closed when
/// either fails.</summary>
internal static class PodSockets
{
    public static async Task<Socket> ConnectAsync(Socket socket, IPEndPoint endPoint, CancellationToken cancellationToken)
    {
        try
        {
            socket.NoDelay = true;
            await socket.ConnectAsync(endPoint, cancellationToken).ConfigureAwait(false);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    public static Socket Listen(Socket socket, IPEndPoint endPoint, int backlog)
    {
        try
        {
            socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            socket.Bind(endPoint);
            socket.Listen(backlog);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}

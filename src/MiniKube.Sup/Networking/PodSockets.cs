using System.Net;
using System.Net.Sockets;

namespace MiniKube.Sup.Networking;

/// <summary>Connect and listen on a socket made in whichever network it belongs to; the socket is closed when
/// either fails.</summary>
internal static class PodSockets
{
    private const int SolSocket = 1;
    private const int SoReuseAddr = 2;

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
            // SO_REUSEADDR alone, so that a port in TIME_WAIT can be bound again. Not SocketOptionName.ReuseAddress:
            // on Linux .NET sets SO_REUSEPORT with it, which lets a second listener (another sup's Service on the same
            // port) bind too and the kernel split the connections between them.
            socket.SetRawSocketOption(SolSocket, SoReuseAddr, BitConverter.GetBytes(1));
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

using System.Net;
using System.Net.Sockets;

namespace MiniKube.Sup.Networking;

/// <summary>Connect and listen on a socket made in whichever network it belongs to; the socket is closed when
/// either fails.</summary>
internal static class PodSockets
{
    private const int SolSocket = 1;
    private const int SoReuseAddr = 2;

    /// <summary>Connects <paramref name="socket"/>. A pod is on this host: by the time a non-blocking connect(2)
    /// to it returns, the kernel has usually run the whole handshake (or had it refused), so that is looked at first
    /// (a poll(2) with no wait) and the connection is made without a trip through .NET's socket engine and the thread
    /// pool; only one still in progress is waited for (a zero-byte send completes once it is established, or fails as
    /// the connect did).</summary>
    /// <exception cref="SocketException">refused or unreachable (the socket is closed)</exception>
    /// <exception cref="OperationCanceledException">cancelled (the socket is closed)</exception>
    public static async Task<Socket> ConnectAsync(Socket socket, IPEndPoint endPoint, CancellationToken cancellationToken)
    {
        try
        {
            cancellationToken.ThrowIfCancellationRequested();
            socket.NoDelay = true;
            socket.Blocking = false;
            try
            {
                socket.Connect(endPoint);
            }
            catch (SocketException e) when (e.SocketErrorCode is SocketError.WouldBlock or SocketError.InProgress)
            {
                if (socket.Poll(0, SelectMode.SelectWrite)) ThrowIfFailed(socket);
                else await socket.SendAsync(ReadOnlyMemory<byte>.Empty, SocketFlags.None, cancellationToken).ConfigureAwait(false);
            }
            socket.Blocking = true; // as a socket .NET connected is (NetworkStream takes only those)
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Throws what a finished non-blocking connect failed with (SO_ERROR), if anything.</summary>
    public static void ThrowIfFailed(Socket socket)
    {
        var error = (int)socket.GetSocketOption(SocketOptionLevel.Socket, SocketOptionName.Error)!;
        if (error != 0) throw new SocketException(error);
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

using System.Net;
using System.Net.Sockets;
using System.Text;
using MiniKube.Sup.Networking;

namespace MiniKube.Sup.EndToEnd.Networking;

/// <summary>A tiny server listening in some network (a pod's namespace, or the host's) that answers every
/// connection with one line, or with an HTTP 200 response carrying that line: what a pod's container would be.</summary>
internal sealed class NamespaceServer : IDisposable
{
    private readonly Socket _listener;

    private NamespaceServer(Socket listener, string answer, bool http)
    {
        _listener = listener;
        _ = Task.Run(() => ServeAsync(answer, http));
    }

    public int Port => ((IPEndPoint)_listener.LocalEndPoint!).Port;

    /// <summary>Listens on <paramref name="endPoint"/> in <paramref name="network"/> and answers <paramref name="answer"/>.</summary>
    public static NamespaceServer Start(IPodNetwork network, IPEndPoint endPoint, string answer, bool http = false) =>
        new(network.Listen(endPoint, 64), answer, http);

    private async Task ServeAsync(string answer, bool http)
    {
        try
        {
            while (true)
            {
                using var client = await _listener.AcceptAsync();
                if (http)
                {
                    var buffer = new byte[4096];
                    var request = "";
                    while (!request.Contains("\r\n\r\n", StringComparison.Ordinal))
                    {
                        var n = await client.ReceiveAsync(buffer);
                        if (n == 0) break;
                        request += Encoding.ASCII.GetString(buffer, 0, n);
                    }
                    var body = answer + "\n";
                    await client.SendAsync(Encoding.ASCII.GetBytes($"HTTP/1.1 200 OK\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n{body}"));
                }
                else await client.SendAsync(Encoding.ASCII.GetBytes(answer + "\n"));
                client.Shutdown(SocketShutdown.Send);
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException) { }
    }

    /// <summary>Connects from a socket made in <paramref name="ns"/> and reads the first line (null: refused or
    /// reset).</summary>
    public static async Task<string?> AskAsync(NetworkNamespace ns, IPEndPoint endPoint)
    {
        using var socket = await ns.CreateSocketAsync(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        return await AskAsync(socket, endPoint);
    }

    /// <summary>Connects from the host and reads the first line (null: refused or reset).</summary>
    public static async Task<string?> AskFromHostAsync(IPEndPoint endPoint)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        return await AskAsync(socket, endPoint);
    }

    private static async Task<string?> AskAsync(Socket socket, IPEndPoint endPoint)
    {
        try
        {
            await socket.ConnectAsync(endPoint).WaitAsync(TimeSpan.FromSeconds(10));
            using var reader = new StreamReader(new NetworkStream(socket, ownsSocket: false));
            return await reader.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (Exception e) when (e is SocketException or IOException)
        {
            return null;
        }
    }

    public void Dispose() => _listener.Dispose();
}

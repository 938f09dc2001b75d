using System.Net;
using System.Net.Sockets;
using System.Text;

namespace TestApp;

/// <summary>
/// A minimal keep-alive HTTP/1.1 server on POD_IP (else 127.0.0.1) for throughput benchmarks (wrk): every request
/// (GET, no body) is answered 200 with "hello from IP\n", on the same connection, pipelining included.
/// </summary>
internal static class KeepAliveHttpServer
{
    public static void Start(int port)
    {
        var address = IPAddress.Parse(Environment.GetEnvironmentVariable("POD_IP") ?? "127.0.0.1");
        var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(address, port));
        listener.Listen(1024);
        var body = $"hello from {address}\n";
        var response = Encoding.ASCII.GetBytes($"HTTP/1.1 200 OK\r\nContent-Length: {body.Length}\r\nContent-Type: text/plain\r\n\r\n{body}");
        Console.WriteLine($"keep-alive http on {address}:{port}");
        Console.Out.Flush();
        _ = Task.Run(async () =>
        {
            while (true)
            {
                var client = await listener.AcceptAsync();
                _ = Task.Run(() => ServeAsync(client, response));
            }
        });
    }

    private static async Task ServeAsync(Socket client, byte[] response)
    {
        using var _ = client;
        client.NoDelay = true;
        var buffer = new byte[16 * 1024];
        var matched = 0; // how much of "\r\n\r\n" the bytes so far end with
        try
        {
            while (true)
            {
                var n = await client.ReceiveAsync(buffer, SocketFlags.None);
                if (n == 0) return;
                var requests = 0;
                for (var i = 0; i < n; i++)
                {
                    var b = buffer[i];
                    matched = b == (matched % 2 == 0 ? '\r' : '\n') ? matched + 1 : b == '\r' ? 1 : 0;
                    if (matched == 4) { requests++; matched = 0; }
                }
                for (var r = 0; r < requests; r++) await client.SendAsync(response, SocketFlags.None);
            }
        }
        catch (SocketException) { }
    }
}

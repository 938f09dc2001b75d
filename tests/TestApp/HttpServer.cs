using System.Net;
using System.Net.Sockets;
using System.Text;

namespace TestApp;

/// <summary>
/// A minimal HTTP/1.1 server on POD_IP (else 127.0.0.1) for probe tests. Paths:
/// /healthz — 200, or 500 once the --fail-when-exists file exists;
/// /ready — 200, or 503 once the --unready-when-exists file exists;
/// /redirect — 302 to /healthz on the same host; /redirect-away — 302 to another loopback host;
/// /loop — 302 to itself; /headers — 200 with the request's headers as the body; /stats — the number of requests
/// served so far; anything else — 404.
/// Every request is answered with Connection: close.
/// </summary>
internal static class HttpServer
{
    private static long _served;

    public static void Start(TestAppOptions options)
    {
        var address = IPAddress.Parse(Environment.GetEnvironmentVariable("POD_IP") ?? "127.0.0.1");
        var listener = new TcpListener(address, options.HttpPort!.Value);
        listener.Start(512);
        Console.WriteLine($"http on {address}:{options.HttpPort}");
        Console.Out.Flush();
        _ = Task.Run(async () =>
        {
            while (true)
            {
                var client = await listener.AcceptTcpClientAsync();
                _ = Task.Run(() => ServeAsync(client, options));
            }
        });
    }

    private static async Task ServeAsync(TcpClient client, TestAppOptions options)
    {
        using var _ = client;
        try
        {
            var stream = client.GetStream();
            var reader = new StreamReader(stream, Encoding.ASCII);
            var requestLine = await reader.ReadLineAsync() ?? "";
            var headers = new StringBuilder();
            string? line;
            while (!string.IsNullOrEmpty(line = await reader.ReadLineAsync())) headers.Append(line).Append('\n');
            var path = requestLine.Split(' ') is [_, var p, ..] ? p : "/";
            var (code, text, body, location) = Answer(path, headers.ToString(), options, client);
            var response = new StringBuilder()
                .Append($"HTTP/1.1 {code} {text}\r\n")
                .Append("Connection: close\r\n")
                .Append($"Content-Length: {Encoding.UTF8.GetByteCount(body)}\r\n");
            if (location is not null) response.Append($"Location: {location}\r\n");
            response.Append("\r\n").Append(body);
            await stream.WriteAsync(Encoding.UTF8.GetBytes(response.ToString()));
        }
        catch (IOException) { }
        catch (SocketException) { }
    }

    private static (int, string, string, string?) Answer(string path, string headers, TestAppOptions options, TcpClient client)
    {
        var local = (IPEndPoint)client.Client.LocalEndPoint!;
        var served = Interlocked.Increment(ref _served);
        switch (path)
        {
            case "/stats":
                return (200, "OK", served.ToString(System.Globalization.CultureInfo.InvariantCulture), null);
            case "/healthz":
                return options.FailWhenExists is { } f && File.Exists(f) ? (500, "Internal Server Error", "unhealthy", null) : (200, "OK", "ok", null);
            case "/ready":
                return options.UnreadyWhenExists is { } u && File.Exists(u) ? (503, "Service Unavailable", "not ready", null) : (200, "OK", "ready", null);
            case "/redirect":
                return (302, "Found", "", "/healthz");
            case "/redirect-away":
                // Another host: 127.0.0.1 if we are on a pod IP, else 127.0.0.2.
                var other = local.Address.Equals(IPAddress.Loopback) ? "127.0.0.2" : "127.0.0.1";
                return (302, "Found", "moved", $"http://{other}:{local.Port}/healthz");
            case "/loop":
                return (302, "Found", "", "/loop");
            case "/headers":
                return (200, "OK", headers, null);
            default:
                return (404, "Not Found", "", null);
        }
    }
}

using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using Microsoft.AspNetCore.Http;
using MiniKube.Sup.Api.Spdy;
using MiniKube.Sup.Pods;

namespace MiniKube.Sup.Api;

/// <summary>
/// pods/NAME/portforward as kubectl v1.32 speaks it: a WebSocket with subprotocol
/// <c>SPDY/3.1+portforward.k8s.io</c> whose binary messages carry a SPDY/3 byte stream (client-go's
/// tunneling dialer), served by a <see cref="PortForwardSession"/>. Each forwarded connection goes to the pod's IP and
/// the requested port: host pods listen on their own loopback address, image pods publish their ports on it.
/// `sup port-forward` uses the simpler <see cref="PortForwardChannels"/> protocol on the same path.
/// </summary>
public sealed class PodPortForward(PodAgent pods)
{
    private const string Protocol = "SPDY/3.1+portforward.k8s.io";

    public async Task HandleAsync(HttpContext ctx, string ns, string pod, CancellationToken stopping)
    {
        if (pods.Worker(pod, ns) is not { PodIp: { } ip } worker)
        {
            await ApiStatus.BadRequest(ctx, $"pod {pod} is not running").ConfigureAwait(false);
            return;
        }
        var address = IPAddress.Parse(ip);
        var uid = worker.Uid;
        // k8s: the kubelet's words, "error forwarding port P to pod NAME, uid UID: REASON".
        string Failure(int port, string reason) => $"error forwarding port {port} to pod {pod}, uid {uid}: failed to connect to {ip}:{port}: {reason}";
        if (ctx.WebSockets.IsWebSocketRequest && ctx.WebSockets.WebSocketRequestedProtocols.Contains(PortForwardChannels.Protocol))
        {
            var ports = ctx.Request.Query["ports"];
            if (ports.Count != 1 || !int.TryParse(ports[0], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
            {
                await ApiStatus.BadRequest(ctx, "one port is required: ?ports=P (1-65535)").ConfigureAwait(false);
                return;
            }
            using var channels = await ctx.WebSockets.AcceptWebSocketAsync(PortForwardChannels.Protocol).ConfigureAwait(false);
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(ctx.RequestAborted, stopping);
            await PortForwardChannels.RunAsync(channels, port, (p, cancel) => ConnectAsync(address, p, cancel), Failure, stop.Token).ConfigureAwait(false);
            await CloseAsync(channels).ConfigureAwait(false);
            return;
        }
        if (!ctx.WebSockets.IsWebSocketRequest || !ctx.WebSockets.WebSocketRequestedProtocols.Contains(Protocol))
        {
            await ApiStatus.BadRequest(ctx, $"Upgrade request required: a WebSocket with subprotocol {Protocol} (SPDY over HTTP upgrade is not served)").ConfigureAwait(false);
            return;
        }
        // .NET refuses a subprotocol with '/' in it (not an RFC 7230 token), so the answer names it itself.
        ctx.Response.Headers.SecWebSocketProtocol = Protocol;
        using var socket = await ctx.WebSockets.AcceptWebSocketAsync().ConfigureAwait(false);
        using var done = CancellationTokenSource.CreateLinkedTokenSource(ctx.RequestAborted, stopping);
        await using var input = WebSocketStream.Create(socket, WebSocketMessageType.Binary, ownsWebSocket: false);
        var writer = new SpdyFrameWriter((frame, cancel) => socket.SendAsync(frame, WebSocketMessageType.Binary, endOfMessage: true, cancel));
        var session = new PortForwardSession(new SpdyFrameReader(input), writer, (port, cancel) => ConnectAsync(address, port, cancel), Failure);
        await session.RunAsync(done.Token).ConfigureAwait(false);
        await CloseAsync(socket).ConfigureAwait(false);
    }

    private static async Task CloseAsync(WebSocket socket)
    {
        if (socket.State is not (WebSocketState.Open or WebSocketState.CloseReceived)) return;
        try { await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false); }
        catch (Exception e) when (e is WebSocketException or TimeoutException or OperationCanceledException) { }
    }

    private static async Task<Socket> ConnectAsync(IPAddress address, int port, CancellationToken cancel)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(new IPEndPoint(address, port), cancel).ConfigureAwait(false);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}

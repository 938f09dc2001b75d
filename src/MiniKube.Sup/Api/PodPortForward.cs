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
        if (!ctx.WebSockets.IsWebSocketRequest || !ctx.WebSockets.WebSocketRequestedProtocols.Contains(Protocol))
        {
            await ApiStatus.BadRequest(ctx, $"Upgrade request required: a WebSocket with subprotocol {Protocol} (SPDY over HTTP upgrade is not served)").ConfigureAwait(false);
            return;
        }
        var address = IPAddress.Parse(ip);
        var uid = worker.Uid;
        // .NET refuses a subprotocol with '/' in it (not an RFC 7230 token), so the answer names it itself.
        ctx.Response.Headers.SecWebSocketProtocol = Protocol;
        using var socket = await ctx.WebSockets.AcceptWebSocketAsync().ConfigureAwait(false);
        using var done = CancellationTokenSource.CreateLinkedTokenSource(ctx.RequestAborted, stopping);
        await using var input = WebSocketStream.Create(socket, WebSocketMessageType.Binary, ownsWebSocket: false);
        var writer = new SpdyFrameWriter((frame, cancel) => socket.SendAsync(frame, WebSocketMessageType.Binary, endOfMessage: true, cancel));
        var session = new PortForwardSession(new SpdyFrameReader(input), writer, (port, cancel) => ConnectAsync(address, port, cancel),
            // k8s: the kubelet's words, "error forwarding port P to pod NAME, uid UID: REASON".
            (port, reason) => $"error forwarding port {port} to pod {pod}, uid {uid}: failed to connect to {ip}:{port}: {reason}");
        await session.RunAsync(done.Token).ConfigureAwait(false);
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

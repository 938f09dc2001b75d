using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;

namespace MiniKube.Sup.Api;

/// <summary>
/// Port-forward's WebSocket protocol without SPDY (the kubelet's <c>v4.channel.k8s.io</c> for portforward,
/// pkg/kubelet/cri/streaming/portforward/websocket.go), one connection to one port per WebSocket (<c>?ports=P</c>): `sup
/// port-forward` opens one per local connection. Each message is a channel byte and its bytes: 0 data, 1 error; the
/// server first sends the port on both (2 bytes, little-endian), then the pod's bytes on 0, and the reason on 1 if
/// the connection to the pod fails. The client's messages on 0 go to the pod; the WebSocket's close ends it.
/// </summary>
public static class PortForwardChannels
{
    public const string Protocol = "v4.channel.k8s.io";
    private const byte Data = 0, Error = 1;

    public static async Task RunAsync(WebSocket socket, int port, Func<int, CancellationToken, Task<Socket>> connect, Func<int, string, string> describeFailure,
        CancellationToken cancel)
    {
        var gate = new SemaphoreSlim(1, 1);
        async Task SendAsync(byte channel, ReadOnlyMemory<byte> data)
        {
            var message = new byte[data.Length + 1];
            message[0] = channel;
            data.CopyTo(message.AsMemory(1));
            await gate.WaitAsync(cancel).ConfigureAwait(false);
            try { await socket.SendAsync(message, WebSocketMessageType.Binary, endOfMessage: true, cancel).ConfigureAwait(false); }
            finally { gate.Release(); }
        }

        try
        {
            byte[] prefix = [(byte)port, (byte)(port >> 8)];
            await SendAsync(Data, prefix).ConfigureAwait(false);
            await SendAsync(Error, prefix).ConfigureAwait(false);
            Socket pod;
            try
            {
                pod = await connect(port, cancel).ConfigureAwait(false);
            }
            catch (SocketException e)
            {
                await SendAsync(Error, Encoding.UTF8.GetBytes(describeFailure(port, e.Message))).ConfigureAwait(false);
                return;
            }
            using (pod)
            using (var done = CancellationTokenSource.CreateLinkedTokenSource(cancel))
            {
                var fromClient = Task.Run(async () =>
                {
                    var buffer = new byte[32 * 1024];
                    var atStart = true;
                    try
                    {
                        while (true)
                        {
                            var result = await socket.ReceiveAsync(buffer, done.Token).ConfigureAwait(false);
                            if (result.MessageType == WebSocketMessageType.Close) break;
                            // A message starts with its channel byte (0); its continuations do not.
                            var start = atStart && result.Count > 0 ? 1 : 0;
                            atStart = result.EndOfMessage;
                            if (result.Count > start) await pod.SendAsync(buffer.AsMemory(start, result.Count - start), SocketFlags.None, done.Token).ConfigureAwait(false);
                        }
                        pod.Shutdown(SocketShutdown.Send);
                    }
                    catch (Exception e) when (e is WebSocketException or OperationCanceledException or SocketException or ObjectDisposedException) { }
                });
                var read = new byte[32 * 1024];
                int count;
                while ((count = await pod.ReceiveAsync(read, SocketFlags.None, done.Token).ConfigureAwait(false)) > 0)
                    await SendAsync(Data, read.AsMemory(0, count)).ConfigureAwait(false);
                // The pod's side ended: a close the client answers (cancelling the read would abort the socket under
                // the bytes still on their way).
                await gate.WaitAsync(cancel).ConfigureAwait(false);
                try { await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, cancel).ConfigureAwait(false); }
                finally { gate.Release(); }
                try { await fromClient.WaitAsync(TimeSpan.FromSeconds(5), cancel).ConfigureAwait(false); }
                catch (TimeoutException) { await done.CancelAsync().ConfigureAwait(false); }
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or SocketException or ObjectDisposedException or TimeoutException) { }
    }
}

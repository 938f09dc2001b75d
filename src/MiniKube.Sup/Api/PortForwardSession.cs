using System.Globalization;
using System.Net.Sockets;
using System.Text;
using System.Threading.Channels;
using MiniKube.Sup.Api.Spdy;

namespace MiniKube.Sup.Api;

/// <summary>
/// One kubectl port-forward connection once upgraded: SPDY/3 streams that kubectl opens in pairs, per local
/// connection, an error stream then a data stream with the same <c>requestID</c> and <c>port</c> headers. Each pair is
/// a TCP connection to the pod's port: the data stream carries its bytes both ways, and the error stream stays empty
/// unless forwarding fails, when it carries the reason as text (kubectl prints "an error occurred forwarding L -> R:
/// REASON"). Both are closed (FIN) once the pod's side has ended, as the kubelet's streaming server does
/// (pkg/kubelet/cri/streaming/portforward/httpstream.go).
/// </summary>
public sealed class PortForwardSession(SpdyFrameReader reader, SpdyFrameWriter writer, Func<int, CancellationToken, Task<Socket>> connect,
    Func<int, string, string> describeFailure)
{
    // k8s.io/api/core/v1: the headers of a port-forward stream.
    private const string StreamTypeHeader = "streamtype", PortHeader = "port", RequestIdHeader = "requestid";
    private const uint ProtocolError = 1, Cancel = 5;
    private const int BufferedFrames = 16;

    private readonly Dictionary<string, Pair> _pairs = [];
    private readonly System.Collections.Concurrent.ConcurrentDictionary<uint, Pair> _byStream = [];
    private readonly List<Pair> _all = [];
    private readonly List<Task> _forwards = [];

    /// <summary>Serves streams until the client goes away (or <paramref name="cancel"/>); every forward ends with it.</summary>
    public async Task RunAsync(CancellationToken cancel)
    {
        using var end = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        try
        {
            while (await reader.ReadAsync(end.Token).ConfigureAwait(false) is { } frame)
            {
                switch (frame.Type)
                {
                    case SpdyFrameType.SynStream:
                        await OpenAsync(frame, end.Token).ConfigureAwait(false);
                        break;
                    case SpdyFrameType.Data when _byStream.TryGetValue(frame.StreamId, out var pair) && pair.DataId == frame.StreamId:
                        // A pod that reads slower than the client sends holds the whole session back (as TCP would),
                        // rather than the daemon buffering without bound.
                        if (frame.Payload.Length > 0)
                        {
                            try { await pair.Input.Writer.WriteAsync(frame.Payload, end.Token).ConfigureAwait(false); }
                            catch (ChannelClosedException) { } // that connection is gone: its data goes nowhere
                        }
                        if (frame.IsFin) pair.Input.Writer.TryComplete();
                        break;
                    case SpdyFrameType.RstStream when _byStream.TryGetValue(frame.StreamId, out var reset):
                        await reset.Cancel.CancelAsync().ConfigureAwait(false);
                        break;
                    case SpdyFrameType.Ping when frame.Payload.Length >= 4:
                        await writer.PingAsync(System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(frame.Payload.Span), end.Token).ConfigureAwait(false);
                        break;
                    case SpdyFrameType.GoAway:
                        return;
                }
            }
        }
        catch (SpdyProtocolException)
        {
            try { await writer.GoAwayAsync(0, ProtocolError, end.Token).ConfigureAwait(false); }
            catch (Exception e) when (IsGone(e)) { }
        }
        catch (Exception e) when (IsGone(e)) { }
        finally
        {
            await end.CancelAsync().ConfigureAwait(false);
            foreach (var pair in _pairs.Values) pair.Input.Writer.TryComplete();
            await Task.WhenAll(_forwards).ConfigureAwait(false);
            foreach (var pair in _all) pair.Cancel.Dispose();
        }
    }

    private async Task OpenAsync(SpdyFrame frame, CancellationToken cancel)
    {
        var headers = frame.Headers!;
        var type = headers.GetValueOrDefault(StreamTypeHeader);
        if (type is not ("data" or "error")
            || !int.TryParse(headers.GetValueOrDefault(PortHeader), NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
        {
            // k8s: a stream without a known type or a valid port is refused.
            await writer.ResetAsync(frame.StreamId, ProtocolError, cancel).ConfigureAwait(false);
            return;
        }
        await writer.ReplyAsync(frame.StreamId, cancel).ConfigureAwait(false);
        // Old clients send no requestID: the port then pairs the two streams (as the kubelet does).
        var request = headers.GetValueOrDefault(RequestIdHeader) ?? "port " + port.ToString(CultureInfo.InvariantCulture);
        if (!_pairs.TryGetValue(request, out var pair))
        {
            _pairs[request] = pair = new Pair(port, CancellationTokenSource.CreateLinkedTokenSource(cancel));
            _all.Add(pair);
        }
        if (type == "data") pair.DataId = frame.StreamId; else pair.ErrorId = frame.StreamId;
        _byStream[frame.StreamId] = pair;
        if (pair is { DataId: not null, ErrorId: not null })
        {
            _pairs.Remove(request);
            _forwards.Add(Task.Run(() => ForwardAsync(pair)));
        }
    }

    private async Task ForwardAsync(Pair pair)
    {
        var cancel = pair.Cancel.Token;
        var data = pair.DataId!.Value;
        var error = pair.ErrorId!.Value;
        try
        {
            Socket socket;
            try
            {
                socket = await connect(pair.Port, cancel).ConfigureAwait(false);
            }
            catch (SocketException e)
            {
                await writer.DataAsync(error, Encoding.UTF8.GetBytes(describeFailure(pair.Port, e.Message)), fin: true, cancel).ConfigureAwait(false);
                await writer.DataAsync(data, ReadOnlyMemory<byte>.Empty, fin: true, cancel).ConfigureAwait(false);
                return;
            }
            using (socket)
            {
                // When the pod's side stops taking data, the session must not wait for room that never comes.
                var upstream = Task.Run(async () =>
                {
                    await SendToPodAsync(pair.Input.Reader, socket, cancel).ConfigureAwait(false);
                    pair.Input.Writer.TryComplete();
                });
                var buffer = new byte[32 * 1024];
                int read;
                while ((read = await socket.ReceiveAsync(buffer, SocketFlags.None, cancel).ConfigureAwait(false)) > 0)
                    await writer.DataAsync(data, buffer.AsMemory(0, read), fin: false, cancel).ConfigureAwait(false);
                // The pod's side ended: so does the forward (the kubelet's runtimes return once the pod side is done).
                await writer.DataAsync(data, ReadOnlyMemory<byte>.Empty, fin: true, cancel).ConfigureAwait(false);
                await writer.DataAsync(error, ReadOnlyMemory<byte>.Empty, fin: true, cancel).ConfigureAwait(false);
                pair.Input.Writer.TryComplete();
                await pair.Cancel.CancelAsync().ConfigureAwait(false);
                await upstream.ConfigureAwait(false);
            }
        }
        catch (Exception e) when (IsGone(e) || e is SocketException) { }
        finally
        {
            _byStream.TryRemove(data, out _);
            _byStream.TryRemove(error, out _);
            pair.Input.Writer.TryComplete(); // a frame for it still waiting for room gives up
        }
    }

    /// <summary>The client's bytes to the pod; the client's FIN half-closes the connection to the pod.</summary>
    private static async Task SendToPodAsync(ChannelReader<ReadOnlyMemory<byte>> input, Socket socket, CancellationToken cancel)
    {
        try
        {
            await foreach (var chunk in input.ReadAllAsync(cancel).ConfigureAwait(false))
                await socket.SendAsync(chunk, SocketFlags.None, cancel).ConfigureAwait(false);
            socket.Shutdown(SocketShutdown.Send);
        }
        catch (Exception e) when (IsGone(e) || e is SocketException) { }
    }

    private static bool IsGone(Exception e) =>
        e is OperationCanceledException or IOException or System.Net.WebSockets.WebSocketException or ObjectDisposedException;

    /// <summary>The two streams of one forwarded connection, and the client's bytes waiting for the pod.</summary>
    private sealed class Pair(int port, CancellationTokenSource cancel)
    {
        public int Port { get; } = port;
        public CancellationTokenSource Cancel { get; } = cancel;
        public uint? DataId { get; set; }
        public uint? ErrorId { get; set; }
        /// <summary>At most <see cref="BufferedFrames"/> data frames (each at most 1 MiB) wait for the pod.</summary>
        public Channel<ReadOnlyMemory<byte>> Input { get; } = Channel.CreateBounded<ReadOnlyMemory<byte>>(
            new BoundedChannelOptions(BufferedFrames) { SingleReader = true, SingleWriter = true, FullMode = BoundedChannelFullMode.Wait });
    }
}

using System.Buffers;
using System.Globalization;
using System.Net.WebSockets;
using System.Text;

namespace MiniKube.Sup.Client.Streaming;

/// <summary>
/// The client side of pods/NAME/exec and attach as kubectl v1.32 speaks it: a WebSocket with subprotocol
/// <c>v5.channel.k8s.io</c>, each message one channel's bytes behind a channel byte (0 stdin, 1 stdout, 2 stderr, 3 the
/// outcome as a metav1 Status, 4 terminal sizes, 255 0: stdin is done). With a TTY the user's terminal is raw while
/// the session lasts (<see cref="RawTerminal"/>) and its size goes first, then each change.
/// </summary>
internal sealed class RemoteCommandClient(WebSocket socket)
{
    private const byte Stdin = 0, Stdout = 1, Stderr = 2, ErrorChannel = 3, Resize = 4, Close = 255;
    public const string Protocol = "v5.channel.k8s.io";

    private readonly SemaphoreSlim _sending = new(1, 1);

    /// <param name="stdin">send what this process reads on its stdin</param>
    /// <param name="terminal">the user's terminal is raw: send its size, and each change</param>
    /// <returns>the outcome; null when the server closed without one (attach: the client left)</returns>
    public async Task<RemoteCommandOutcome?> RunAsync(bool stdin, bool terminal, CancellationToken cancel)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        IDisposable? resizes = null;
        if (terminal)
        {
            await SendSizeAsync(stop.Token).ConfigureAwait(false);
            resizes = RawTerminal.OnResize(() => _ = SendSizeAsync(stop.Token));
        }
        using (resizes)
        {
            // Stdin is read on a thread of its own: a read of a terminal cannot be cancelled, and must not hold the end.
            if (stdin) _ = Task.Factory.StartNew(() => CopyStdinAsync(stop.Token), stop.Token, TaskCreationOptions.LongRunning, TaskScheduler.Default).Unwrap();
            try { return await ReceiveAsync(stop.Token).ConfigureAwait(false); }
            finally { await stop.CancelAsync().ConfigureAwait(false); }
        }
    }

    private async Task<RemoteCommandOutcome?> ReceiveAsync(CancellationToken cancel)
    {
        using var stdout = Descriptor(1, FileAccess.Write);
        using var stderr = Descriptor(2, FileAccess.Write);
        var buffer = new byte[32 * 1024];
        var message = new ArrayBufferWriter<byte>();
        RemoteCommandOutcome? outcome = null;
        try
        {
            while (true)
            {
                var result = await socket.ReceiveAsync(buffer, cancel).ConfigureAwait(false);
                if (result.MessageType == WebSocketMessageType.Close) return outcome;
                message.Write(buffer.AsSpan(0, result.Count));
                if (!result.EndOfMessage) continue;
                if (message.WrittenCount > 0)
                {
                    var data = message.WrittenMemory[1..];
                    switch (message.WrittenSpan[0])
                    {
                        case Stdout:
                            await stdout.WriteAsync(data, cancel).ConfigureAwait(false);
                            await stdout.FlushAsync(cancel).ConfigureAwait(false);
                            break;
                        case Stderr:
                            await stderr.WriteAsync(data, cancel).ConfigureAwait(false);
                            break;
                        case ErrorChannel:
                            outcome = RemoteCommandOutcome.Parse(data.Span);
                            break;
                    }
                }
                message.Clear();
            }
        }
        catch (WebSocketException e)
        {
            // Closed without the closing handshake: after the outcome that is the end; before it the connection broke.
            if (outcome is not null) return outcome;
            throw new IOException(e.Message, e);
        }
    }

    private async Task CopyStdinAsync(CancellationToken cancel)
    {
        try
        {
            using var input = Descriptor(0, FileAccess.Read);
            var buffer = new byte[32 * 1024];
            buffer[0] = Stdin;
            int read;
            while ((read = await input.ReadAsync(buffer.AsMemory(1), cancel).ConfigureAwait(false)) > 0)
                await SendAsync(buffer.AsMemory(0, read + 1), cancel).ConfigureAwait(false);
            // v5: stdin is done (the command reads its end).
            await SendAsync(new byte[] { Close, Stdin }, cancel).ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException or IOException or ObjectDisposedException) { }
    }

    /// <summary>One of this process's standard descriptors as it is: not the Console's streams, which on a terminal
    /// read through .NET's line editor (echo, and the terminal's settings put back after each read).</summary>
    private static FileStream Descriptor(int fd, FileAccess access) =>
        new(new Microsoft.Win32.SafeHandles.SafeFileHandle(fd, ownsHandle: false), access, bufferSize: 0);

    private async Task SendSizeAsync(CancellationToken cancel)
    {
        if (RawTerminal.Size() is not var (columns, rows)) return;
        var json = string.Create(CultureInfo.InvariantCulture, $"{{\"Width\":{columns},\"Height\":{rows}}}");
        var message = new byte[1 + Encoding.ASCII.GetByteCount(json)];
        message[0] = Resize;
        Encoding.ASCII.GetBytes(json, message.AsSpan(1));
        try { await SendAsync(message, cancel).ConfigureAwait(false); }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException or ObjectDisposedException) { }
    }

    private async Task SendAsync(ReadOnlyMemory<byte> message, CancellationToken cancel)
    {
        await _sending.WaitAsync(cancel).ConfigureAwait(false);
        try { await socket.SendAsync(message, WebSocketMessageType.Binary, endOfMessage: true, cancel).ConfigureAwait(false); }
        finally { _sending.Release(); }
    }
}

using System.Buffers;
using System.Globalization;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using MiniKube.Sup.Pods;
using MiniKube.Sup.Processes;
using MiniKube.Sup.Runtime;

namespace MiniKube.Sup.Api;

/// <summary>
/// pods/NAME/exec as kubectl v1.32 speaks it: a WebSocket with subprotocol <c>v5.channel.k8s.io</c> (or v4), each
/// message one channel's bytes behind a channel byte: 0 stdin (from the client), 1 stdout, 2 stderr, 3 the outcome as
/// a metav1 Status once the command has ended, 4 a terminal size (<c>{"Width":W,"Height":H}</c>), and in v5 255 to
/// close a stream (<c>255 0</c>: stdin is done). The command runs in the container (<see cref="ExecSession"/>): in its
/// namespaces for an image pod, with a TTY when asked. The client going away kills it.
/// </summary>
public sealed class PodExec(PodAgent pods, IContainerRuntime runtime)
{
    private const byte Stdin = 0, Stdout = 1, Stderr = 2, ErrorChannel = 3, ResizeChannel = 4, CloseChannel = 255;
    private static readonly string[] Protocols = ["v5.channel.k8s.io", "v4.channel.k8s.io"];

    /// <summary>How long output may still come once the command exited (a daemonized child may hold its pipes).</summary>
    private static readonly TimeSpan OutputGrace = TimeSpan.FromSeconds(1);

    public async Task HandleAsync(HttpContext ctx, string ns, string pod, CancellationToken stopping)
    {
        var query = ctx.Request.Query;
        var command = query["command"].Where(c => c is not null).Select(c => c!).ToList();
        if (command.Count == 0) { await ApiStatus.BadRequest(ctx, "you must specify at least 1 command").ConfigureAwait(false); return; }
        if (pods.Worker(pod, ns) is not { } worker) { await ApiStatus.BadRequest(ctx, $"pod {pod} is not running").ConfigureAwait(false); return; }
        var names = worker.Snapshot.Spec.Containers.Select(c => c.Name).ToList();
        var name = query["container"].FirstOrDefault();
        if (name is null)
        {
            if (worker.Snapshot.Metadata.Annotations?.TryGetValue("kubectl.kubernetes.io/default-container", out var preferred) == true && names.Contains(preferred)) name = preferred;
            else if (names.Count == 1) name = names[0];
            else { await ApiStatus.BadRequest(ctx, $"a container name must be specified for pod {pod}, choose one of: [{string.Join(" ", names)}]").ConfigureAwait(false); return; }
        }
        if (worker.Running.FirstOrDefault(c => c.Name == name)?.Instance is not { } container)
        {
            await ApiStatus.BadRequest(ctx, $"container {name} is not valid for pod {pod}" + (names.Contains(name) ? " (it is not running)" : "")).ConfigureAwait(false);
            return;
        }
        if (!ctx.WebSockets.IsWebSocketRequest || Protocols.FirstOrDefault(ctx.WebSockets.WebSocketRequestedProtocols.Contains) is not { } protocol)
        {
            await ApiStatus.BadRequest(ctx, $"Upgrade request required: a WebSocket with subprotocol {string.Join(" or ", Protocols)} (SPDY is not served)").ConfigureAwait(false);
            return;
        }
        var tty = IsTrue(query["tty"]);
        var stdin = IsTrue(query["stdin"]);
        using var socket = await ctx.WebSockets.AcceptWebSocketAsync(new WebSocketAcceptContext { SubProtocol = protocol }).ConfigureAwait(false);
        using var done = CancellationTokenSource.CreateLinkedTokenSource(ctx.RequestAborted, stopping);
        var channel = new ChannelWriter(socket);
        // kubectl sends the user's terminal size first thing: a shell that asks at once must see it, not 80x24.
        var reader = new MessageReader(socket);
        var early = new List<(byte, ReadOnlyMemory<byte>)>();
        var (size, pending) = tty ? await FirstSizeAsync(reader, early, done.Token).ConfigureAwait(false) : (null, null);
        ExecSession session;
        try
        {
            session = ExecSession.Start(runtime.ExecTarget(container, command), stdin, tty, size);
        }
        catch (ContainerExecException e)
        {
            await channel.SendAsync(ErrorChannel, Status(null, e.Message), done.Token).ConfigureAwait(false);
            await CloseAsync(socket).ConfigureAwait(false);
            return;
        }
        await using (session.ConfigureAwait(false))
        {
            var output = Task.Run(() => PumpAsync(session.Output, Stdout, channel, done.Token));
            var error = session.Error is { } e ? Task.Run(() => PumpAsync(e, Stderr, channel, done.Token)) : Task.CompletedTask;
            var input = Task.Run(() => ReceiveAsync(reader, early, pending, session, protocol == Protocols[0], done.Token));
            var first = await Task.WhenAny(session.Exited, input).ConfigureAwait(false);
            if (first == input)
            {
                // The client went away (or closed): the command goes with it.
                session.Kill();
                return;
            }
            var status = await session.Exited.ConfigureAwait(false);
            try { await Task.WhenAll(output, error).WaitAsync(OutputGrace, done.Token).ConfigureAwait(false); }
            catch (Exception x) when (x is TimeoutException or OperationCanceledException) { }
            await channel.SendAsync(ErrorChannel, Status(status, null), done.Token).ConfigureAwait(false);
            await CloseAsync(socket).ConfigureAwait(false);
        }
    }

    private static async Task PumpAsync(Stream from, byte channelId, ChannelWriter channel, CancellationToken cancel)
    {
        var buffer = new byte[32 * 1024];
        try
        {
            int read;
            while ((read = await from.ReadAsync(buffer, cancel).ConfigureAwait(false)) > 0)
                await channel.SendAsync(channelId, buffer.AsMemory(0, read), cancel).ConfigureAwait(false);
        }
        // A terminal's master reads EIO once nothing holds its other end: its end of output.
        catch (Exception e) when (e is IOException or OperationCanceledException or WebSocketException or ObjectDisposedException) { }
    }

    /// <summary>The terminal size, when the client sends it within a moment (kubectl sends it first thing); the
    /// messages that came before it are kept for the command.</summary>
    /// <returns>the size, if it came; and the read still in flight when the moment passed, for the loop to take up
    /// (cancelling a WebSocket read would abort the socket)</returns>
    private static async Task<((ushort, ushort)? Size, Task<(byte, ReadOnlyMemory<byte>)?>? Pending)> FirstSizeAsync(
        MessageReader reader, List<(byte, ReadOnlyMemory<byte>)> early, CancellationToken cancel)
    {
        var deadline = Task.Delay(TimeSpan.FromMilliseconds(500), cancel);
        while (true)
        {
            var next = reader.ReadAsync(cancel);
            if (await Task.WhenAny(next, deadline).ConfigureAwait(false) != next) return (null, next);
            if (await next.ConfigureAwait(false) is not var (channel, data)) return (null, next);
            if (channel == ResizeChannel && Size(data) is { } size) return (size, null);
            early.Add((channel, data));
        }
    }

    private static (ushort, ushort)? Size(ReadOnlyMemory<byte> data)
    {
        try
        {
            using var size = JsonDocument.Parse(data);
            return ((ushort)size.RootElement.GetProperty("Width").GetInt32(), (ushort)size.RootElement.GetProperty("Height").GetInt32());
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            return null;
        }
    }

    /// <summary>The client's messages until it closes: stdin, terminal sizes, and (v5) the close of stdin.</summary>
    private static async Task ReceiveAsync(MessageReader reader, List<(byte, ReadOnlyMemory<byte>)> early, Task<(byte, ReadOnlyMemory<byte>)?>? pending,
        ExecSession session, bool v5, CancellationToken cancel)
    {
        try
        {
            foreach (var (channel, data) in early) await HandleAsync(channel, data, session, v5, cancel).ConfigureAwait(false);
            while (await (pending ?? reader.ReadAsync(cancel)).ConfigureAwait(false) is var (channel, data))
            {
                pending = null;
                await HandleAsync(channel, data, session, v5, cancel).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or IOException or ObjectDisposedException) { }
    }

    private static async Task HandleAsync(byte channel, ReadOnlyMemory<byte> data, ExecSession session, bool v5, CancellationToken cancel)
    {
        switch (channel)
        {
            case Stdin when session.Input is { } input && data.Length > 0:
                await input.WriteAsync(data, cancel).ConfigureAwait(false);
                break;
            case ResizeChannel when Size(data) is var (columns, rows):
                session.Resize(columns, rows);
                break;
            case CloseChannel when v5 && data.Length > 0 && data.Span[0] == Stdin && session.Input is { } closing:
                await closing.DisposeAsync().ConfigureAwait(false);
                break;
        }
    }

    /// <summary>metav1.Status on the error channel, as the kubelet writes it: Success, or Failure with reason
    /// NonZeroExitCode and the code as a cause (kubectl exits with it), or Failure with a message.</summary>
    internal static byte[] Status(ExitStatus? exit, string? problem)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream))
        {
            w.WriteStartObject();
            w.WriteStartObject("metadata");
            w.WriteEndObject();
            if (exit is { ExitCode: 0 })
            {
                w.WriteString("status", "Success");
            }
            else if (exit is { } failed)
            {
                var code = failed.ExitCode.ToString(CultureInfo.InvariantCulture);
                w.WriteString("status", "Failure");
                w.WriteString("message", $"command terminated with non-zero exit code: exit status {code}");
                w.WriteString("reason", "NonZeroExitCode");
                w.WriteStartObject("details");
                w.WriteStartArray("causes");
                w.WriteStartObject();
                w.WriteString("reason", "ExitCode");
                w.WriteString("message", code);
                w.WriteEndObject();
                w.WriteEndArray();
                w.WriteEndObject();
            }
            else
            {
                w.WriteString("status", "Failure");
                w.WriteString("message", problem ?? "the command could not be run");
                w.WriteString("reason", "InternalError");
            }
            w.WriteEndObject();
        }
        return stream.ToArray();
    }

    private static async Task CloseAsync(WebSocket socket)
    {
        try { await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false); }
        catch (Exception e) when (e is WebSocketException or TimeoutException or OperationCanceledException) { }
    }

    /// <summary>Whole messages from the client (one read in flight at a time).</summary>
    private sealed class MessageReader(WebSocket socket)
    {
        private readonly byte[] _buffer = new byte[32 * 1024];

        /// <returns>the channel and its bytes; null once the client closed</returns>
        public async Task<(byte, ReadOnlyMemory<byte>)?> ReadAsync(CancellationToken cancel)
        {
            {
                var message = new ArrayBufferWriter<byte>();
                while (socket.State == WebSocketState.Open)
                {
                    var result = await socket.ReceiveAsync(_buffer, cancel).ConfigureAwait(false);
                    if (result.MessageType == WebSocketMessageType.Close) return null;
                    message.Write(_buffer.AsSpan(0, result.Count));
                    if (!result.EndOfMessage || message.WrittenCount == 0) continue;
                    return (message.WrittenSpan[0], message.WrittenMemory[1..].ToArray());
                }
                return null;
            }
        }
    }

    private static bool IsTrue(string? value) => value is "true" or "1" or "True";

    /// <summary>One message at a time on the socket (a WebSocket allows one send in flight).</summary>
    private sealed class ChannelWriter(WebSocket socket)
    {
        private readonly SemaphoreSlim _gate = new(1, 1);

        public Task SendAsync(byte channel, byte[] data, CancellationToken cancel) => SendAsync(channel, data.AsMemory(), cancel);

        public async Task SendAsync(byte channel, ReadOnlyMemory<byte> data, CancellationToken cancel)
        {
            var message = new byte[data.Length + 1];
            message[0] = channel;
            data.CopyTo(message.AsMemory(1));
            await _gate.WaitAsync(cancel).ConfigureAwait(false);
            try { await socket.SendAsync(message, WebSocketMessageType.Binary, endOfMessage: true, cancel).ConfigureAwait(false); }
            finally { _gate.Release(); }
        }
    }
}

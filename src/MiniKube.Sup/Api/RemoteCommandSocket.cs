using System.Buffers;
using System.Globalization;
using System.Net.WebSockets;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using MiniKube.Sup.Processes;

namespace MiniKube.Sup.Api;

/// <summary>
/// The channel protocol of kubectl exec and attach over a WebSocket (subprotocol <c>v5.channel.k8s.io</c>, or v4): each
/// message is one channel's bytes behind a channel byte: 0 stdin (from the client), 1 stdout, 2 stderr, 3 the outcome
/// as a metav1 Status, 4 a terminal size (<c>{"Width":W,"Height":H}</c>), and in v5 255 to close a stream
/// (<c>255 0</c>: stdin is done). One message is sent at a time; one read is in flight at a time.
/// </summary>
public sealed class RemoteCommandSocket : IDisposable
{
    public const byte Stdin = 0, Stdout = 1, Stderr = 2, ErrorChannel = 3, ResizeChannel = 4, CloseChannel = 255;
    public static readonly string[] Protocols = ["v5.channel.k8s.io", "v4.channel.k8s.io"];

    private readonly WebSocket _socket;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly byte[] _buffer = new byte[32 * 1024];

    private RemoteCommandSocket(WebSocket socket, bool v5)
    {
        _socket = socket;
        V5 = v5;
    }

    /// <summary>v5: the client can close its stdin (<see cref="CloseChannel"/>).</summary>
    public bool V5 { get; }

    /// <summary>The protocol the request asks for, or null when it is no WebSocket of a protocol served here.</summary>
    public static string? Negotiate(HttpContext ctx) =>
        ctx.WebSockets.IsWebSocketRequest ? Protocols.FirstOrDefault(ctx.WebSockets.WebSocketRequestedProtocols.Contains) : null;

    public static string UpgradeRequired => $"Upgrade request required: a WebSocket with subprotocol {string.Join(" or ", Protocols)} (SPDY is not served)";

    public static async Task<RemoteCommandSocket> AcceptAsync(HttpContext ctx, string protocol)
    {
        var socket = await ctx.WebSockets.AcceptWebSocketAsync(new WebSocketAcceptContext { SubProtocol = protocol }).ConfigureAwait(false);
        return new RemoteCommandSocket(socket, protocol == Protocols[0]);
    }

    public Task SendAsync(byte channel, byte[] data, CancellationToken cancel) => SendAsync(channel, data.AsMemory(), cancel);

    public async Task SendAsync(byte channel, ReadOnlyMemory<byte> data, CancellationToken cancel)
    {
        var message = new byte[data.Length + 1];
        message[0] = channel;
        data.CopyTo(message.AsMemory(1));
        await _gate.WaitAsync(cancel).ConfigureAwait(false);
        try { await _socket.SendAsync(message, WebSocketMessageType.Binary, endOfMessage: true, cancel).ConfigureAwait(false); }
        finally { _gate.Release(); }
    }

    /// <summary>The next whole message from the client.</summary>
    /// <returns>its channel and bytes; null once the client closed</returns>
    public async Task<(byte, ReadOnlyMemory<byte>)?> ReadAsync(CancellationToken cancel)
    {
        var message = new ArrayBufferWriter<byte>();
        while (_socket.State == WebSocketState.Open)
        {
            var result = await _socket.ReceiveAsync(_buffer, cancel).ConfigureAwait(false);
            if (result.MessageType == WebSocketMessageType.Close) return null;
            message.Write(_buffer.AsSpan(0, result.Count));
            if (!result.EndOfMessage || message.WrittenCount == 0) continue;
            return (message.WrittenSpan[0], message.WrittenMemory[1..].ToArray());
        }
        return null;
    }

    /// <summary>Sends the outcome (<see cref="Status"/>) and closes.</summary>
    public async Task FinishAsync(byte[] status, CancellationToken cancel)
    {
        try { await SendAsync(ErrorChannel, status, cancel).ConfigureAwait(false); }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException) { }
        await CloseAsync().ConfigureAwait(false);
    }

    public async Task CloseAsync()
    {
        try { await _socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false); }
        catch (Exception e) when (e is WebSocketException or TimeoutException or OperationCanceledException or ObjectDisposedException) { }
    }

    public void Dispose()
    {
        _socket.Dispose();
        _gate.Dispose();
    }

    /// <summary>A terminal size message's (columns, rows), or null when it is not one.</summary>
    public static (ushort, ushort)? Size(ReadOnlyMemory<byte> data)
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

    public static bool IsTrue(string? value) => value is "true" or "1" or "True";

    /// <summary>metav1.Status on the error channel, as the kubelet writes it: Success, or Failure with reason
    /// NonZeroExitCode and the code as a cause (kubectl exits with it), or Failure with a message.</summary>
    public static byte[] Status(ExitStatus? exit, string? problem)
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
}

using System.Buffers.Binary;

namespace MiniKube.Sup.Api.Spdy;

/// <summary>
/// The frames a server sends on a SPDY/3 connection, each written whole and alone (<paramref name="send"/> gets
/// one frame at a time: one WebSocket message). Header blocks share one compression context, so frames that carry
/// them are built and sent under the same lock.
/// </summary>
public sealed class SpdyFrameWriter(Func<ReadOnlyMemory<byte>, CancellationToken, ValueTask> send)
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly SpdyHeaderCompression _headers = new();

    /// <summary>SYN_REPLY: the server accepts a stream the client opened.</summary>
    public Task ReplyAsync(uint streamId, CancellationToken cancel) => SendAsync(() =>
    {
        var block = _headers.Write(new Dictionary<string, string>());
        var frame = Control(SpdyFrameType.SynReply, 0, 4 + block.Length);
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(8), streamId);
        block.CopyTo(frame, 12);
        return frame;
    }, cancel);

    public Task DataAsync(uint streamId, ReadOnlyMemory<byte> data, bool fin, CancellationToken cancel) => SendAsync(() =>
    {
        var frame = new byte[8 + data.Length];
        BinaryPrimitives.WriteUInt32BigEndian(frame, streamId & 0x7fffffff);
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(4), (uint)(fin ? SpdyFrame.Fin : 0) << 24 | (uint)data.Length);
        data.CopyTo(frame.AsMemory(8));
        return frame;
    }, cancel);

    /// <summary>RST_STREAM with a status (1 protocol error, 2 invalid stream, 3 refused, 5 cancel...).</summary>
    public Task ResetAsync(uint streamId, uint status, CancellationToken cancel) => SendAsync(() =>
    {
        var frame = Control(SpdyFrameType.RstStream, 0, 8);
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(8), streamId);
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(12), status);
        return frame;
    }, cancel);

    /// <summary>PING, echoed back with the client's id (the client's keepalive).</summary>
    public Task PingAsync(uint id, CancellationToken cancel) => SendAsync(() =>
    {
        var frame = Control(SpdyFrameType.Ping, 0, 4);
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(8), id);
        return frame;
    }, cancel);

    /// <summary>GOAWAY: no more streams (status 0 OK, 1 protocol error).</summary>
    public Task GoAwayAsync(uint lastStreamId, uint status, CancellationToken cancel) => SendAsync(() =>
    {
        var frame = Control(SpdyFrameType.GoAway, 0, 8);
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(8), lastStreamId);
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(12), status);
        return frame;
    }, cancel);

    private static byte[] Control(SpdyFrameType type, byte flags, int length)
    {
        var frame = new byte[8 + length];
        BinaryPrimitives.WriteUInt16BigEndian(frame, 0x8000 | 3);
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(2), (ushort)type);
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(4), (uint)flags << 24 | (uint)length);
        return frame;
    }

    private async Task SendAsync(Func<byte[]> build, CancellationToken cancel)
    {
        await _gate.WaitAsync(cancel).ConfigureAwait(false);
        try { await send(build(), cancel).ConfigureAwait(false); }
        finally { _gate.Release(); }
    }
}

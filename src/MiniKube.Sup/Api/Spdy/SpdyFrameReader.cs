using System.Buffers.Binary;

namespace MiniKube.Sup.Api.Spdy;

/// <summary>
/// SPDY/3 frames from a byte stream. Frames do not follow the carrier's message boundaries: kubectl writes each field
/// of a frame as a WebSocket message of its own (4 bytes, 4 bytes, 2, 1, 1, then the header block).
/// </summary>
public sealed class SpdyFrameReader(Stream input)
{
    /// <summary>kubectl sends at most 32 KiB of data a frame; this bounds what a broken peer can make us hold.</summary>
    private const int MaxLength = 1 << 20;

    private readonly byte[] _header = new byte[8];
    private readonly SpdyHeaderCompression _headers = new();

    /// <returns>the next frame; null once the stream ended between frames</returns>
    /// <exception cref="SpdyProtocolException">the stream ended inside a frame, or a frame is not SPDY/3</exception>
    public async Task<SpdyFrame?> ReadAsync(CancellationToken cancel)
    {
        var got = await input.ReadAtLeastAsync(_header, _header.Length, throwOnEndOfStream: false, cancel).ConfigureAwait(false);
        if (got == 0) return null;
        if (got < _header.Length) throw new SpdyProtocolException("the stream ended inside a frame header");
        var first = BinaryPrimitives.ReadUInt32BigEndian(_header);
        var second = BinaryPrimitives.ReadUInt32BigEndian(_header.AsSpan(4));
        var flags = (byte)(second >> 24);
        var length = (int)(second & 0xffffff);
        if (length > MaxLength) throw new SpdyProtocolException($"a frame of {length} bytes is too long");
        var payload = new byte[length];
        await input.ReadExactlyAsync(payload, cancel).ConfigureAwait(false);
        if ((first & 0x80000000) == 0) return new SpdyFrame(SpdyFrameType.Data, first, flags, payload);
        var version = (first >> 16) & 0x7fff;
        if (version != 3) throw new SpdyProtocolException($"SPDY version {version} is not served (only 3)");
        var type = (SpdyFrameType)(first & 0xffff);
        // Control frames that name a stream carry its id first.
        var stream = type is SpdyFrameType.SynStream or SpdyFrameType.SynReply or SpdyFrameType.RstStream or SpdyFrameType.Headers or SpdyFrameType.WindowUpdate
            && length >= 4 ? BinaryPrimitives.ReadUInt32BigEndian(payload) & 0x7fffffff : 0;
        // Every header block is read, in order, even one we ignore: they share one zlib stream.
        var offset = type switch { SpdyFrameType.SynStream => 10, SpdyFrameType.SynReply or SpdyFrameType.Headers => 4, _ => -1 };
        if (offset > length) throw new SpdyProtocolException($"a {type} frame of {length} bytes is too short");
        var headers = offset < 0 ? null : _headers.Read(payload.AsSpan(offset));
        return new SpdyFrame(type, stream, flags, payload, headers);
    }
}

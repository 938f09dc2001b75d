using System.Buffers.Binary;
using System.Text;
using ICSharpCode.SharpZipLib.Zip.Compression;

namespace MiniKube.Sup.Api.Spdy;

/// <summary>
/// One direction's header blocks of a SPDY/3 connection: each block is a name/value list (32-bit count, then 32-bit
/// length-prefixed names and values, several values of a name joined by NUL) inside one zlib stream that runs for the
/// whole connection, primed with <see cref="SpdyDictionary"/> and sync-flushed after every block. The client's blocks
/// are inflated with SharpZipLib, because System.IO.Compression cannot set a preset dictionary. Ours are written as
/// deflate's stored blocks (a server's few, tiny header blocks gain nothing from compression), each followed by an
/// empty one, as zlib's sync flush ends: Go's inflater hands out a stored block's bytes only when the next block
/// begins, and without that marker it reads past the frame, fails, and kubectl drops the connection ("lost
/// connection to pod") at the second stream.
/// </summary>
internal sealed class SpdyHeaderCompression
{
    private readonly Inflater _inflater = new();
    private readonly byte[] _buffer = new byte[4096];
    private bool _started;

    /// <summary>The headers of one received block (names lower-case, as SPDY requires).</summary>
    /// <exception cref="SpdyProtocolException">the block does not decompress or does not parse</exception>
    public IReadOnlyDictionary<string, string> Read(ReadOnlySpan<byte> compressed)
    {
        using var block = new MemoryStream();
        try
        {
            _inflater.SetInput(compressed.ToArray());
            while (true)
            {
                var read = _inflater.Inflate(_buffer);
                if (read == 0 && _inflater.IsNeedingDictionary) { _inflater.SetDictionary(SpdyDictionary.Bytes); continue; }
                if (read == 0) break;
                block.Write(_buffer, 0, read);
            }
        }
        catch (ICSharpCode.SharpZipLib.SharpZipBaseException e)
        {
            throw new SpdyProtocolException($"a header block does not decompress: {e.Message}");
        }
        return Parse(block.ToArray());
    }

    /// <summary>The next piece of our zlib stream, carrying these headers whole: the zlib header first time (deflate,
    /// preset dictionary SPDY's, as kubectl's own), then stored blocks of at most 65535 bytes, none final, and the
    /// empty stored block of a sync flush.</summary>
    public byte[] Write(IReadOnlyDictionary<string, string> headers)
    {
        using var output = new MemoryStream();
        if (!_started)
        {
            // CMF 0x78 (deflate, 32 KiB window), FLG 0xf9 (preset dictionary, level 3, check bits), the dictionary's Adler-32.
            output.Write([0x78, 0xf9, 0xe3, 0xc6, 0xa7, 0xc2]);
            _started = true;
        }
        var block = Format(headers).AsSpan();
        do
        {
            var length = Math.Min(block.Length, ushort.MaxValue);
            output.WriteByte(0); // BFINAL 0, BTYPE 00 (stored), padding to the byte
            output.Write([(byte)length, (byte)(length >> 8), (byte)~length, (byte)(~length >> 8)]);
            output.Write(block[..length]);
            block = block[length..];
        }
        while (block.Length > 0);
        output.Write([0x00, 0x00, 0x00, 0xff, 0xff]);
        return output.ToArray();
    }

    internal static IReadOnlyDictionary<string, string> Parse(ReadOnlySpan<byte> block)
    {
        var headers = new Dictionary<string, string>(StringComparer.Ordinal);
        var count = ReadLength(ref block);
        for (var i = 0; i < count; i++)
        {
            var name = ReadString(ref block);
            headers[name.ToLowerInvariant()] = ReadString(ref block);
        }
        return headers;
    }

    internal static byte[] Format(IReadOnlyDictionary<string, string> headers)
    {
        using var block = new MemoryStream();
        WriteLength(block, headers.Count);
        foreach (var (name, value) in headers)
        {
            WriteString(block, name.ToLowerInvariant());
            WriteString(block, value);
        }
        return block.ToArray();
    }

    private static int ReadLength(ref ReadOnlySpan<byte> block)
    {
        if (block.Length < 4) throw new SpdyProtocolException("a header block ends early");
        var length = BinaryPrimitives.ReadInt32BigEndian(block);
        block = block[4..];
        return length >= 0 ? length : throw new SpdyProtocolException("a header block has a negative length");
    }

    private static string ReadString(ref ReadOnlySpan<byte> block)
    {
        var length = ReadLength(ref block);
        if (block.Length < length) throw new SpdyProtocolException("a header block ends early");
        var text = Encoding.UTF8.GetString(block[..length]);
        block = block[length..];
        return text;
    }

    private static void WriteLength(Stream block, int length)
    {
        Span<byte> bytes = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(bytes, length);
        block.Write(bytes);
    }

    private static void WriteString(Stream block, string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        WriteLength(block, bytes.Length);
        block.Write(bytes);
    }
}

using System.IO.Pipelines;
using MiniKube.Sup.Api.Spdy;

namespace MiniKube.Sup.Tests.Api.Spdy;

public sealed class SpdyFramingTests
{
    /// <summary>What kubectl v1.32.4 sent for one connection through `kubectl port-forward pod/web 18301:8080`
    /// (`curl http://127.0.0.1:18301/x`), the WebSocket messages' bytes joined: SYN_STREAM 1 (the error stream), its FIN,
    /// SYN_STREAM 3 (the data stream, whose header block leans on the first one's zlib context), the request on 3,
    /// and 3's FIN.</summary>
    private const string FromKubectl =
        "800300010000003e0000000100000000000078f9e3c6a7c202253a703a2b294a4dcc851625aca9a0808614cb45e01c60616061c0c0c0c0590489c64c50f2663400000000ffff" +
        "0000000101000000" +
        "800300010000001800000003000000000000c2aa19540e2512d60b000000ffff" +
        "0000000300000050474554202f7820485454502f312e310d0a486f73743a203132372e302e302e313a31383330310d0a557365722d4167656e743a206375726c2f372e38382e310d0a4163636570743a202a2f2a0d0a0d0a" +
        "0000000301000000";

    [Fact]
    public async Task Kubectls_frames_read_as_an_error_and_a_data_stream_with_its_request()
    {
        var reader = new SpdyFrameReader(new MemoryStream(Convert.FromHexString(FromKubectl)));
        var frames = new List<SpdyFrame>();
        while (await reader.ReadAsync(CancellationToken.None) is { } frame) frames.Add(frame);

        Assert.Equal([SpdyFrameType.SynStream, SpdyFrameType.Data, SpdyFrameType.SynStream, SpdyFrameType.Data, SpdyFrameType.Data], frames.Select(f => f.Type));
        Assert.Equal([1u, 1u, 3u, 3u, 3u], frames.Select(f => f.StreamId));
        Assert.Equal(new Dictionary<string, string> { ["streamtype"] = "error", ["port"] = "8080", ["requestid"] = "0" }, frames[0].Headers);
        Assert.Equal(new Dictionary<string, string> { ["streamtype"] = "data", ["port"] = "8080", ["requestid"] = "0" }, frames[2].Headers);
        Assert.True(frames[1].IsFin && frames[1].Payload.IsEmpty);
        Assert.StartsWith("GET /x HTTP/1.1\r\n", System.Text.Encoding.ASCII.GetString(frames[3].Payload.Span));
        Assert.False(frames[3].IsFin);
        Assert.True(frames[4].IsFin);
    }

    [Fact]
    public void The_dictionary_is_SPDY_3s_by_length_and_checksum()
    {
        // zlib names a preset dictionary by its Adler-32: kubectl's header blocks begin 78 f9 e3 c6 a7 c2.
        var adler = new ICSharpCode.SharpZipLib.Checksum.Adler32();
        adler.Update(SpdyDictionary.Bytes);
        Assert.Equal((1423, 0xe3c6a7c2L), (SpdyDictionary.Bytes.Length, adler.Value));
    }

    [Fact]
    public async Task Frames_the_server_writes_read_back_with_their_headers_and_data()
    {
        var pipe = new Pipe();
        var output = pipe.Writer.AsStream();
        var writer = new SpdyFrameWriter(async (frame, cancel) => await output.WriteAsync(frame, cancel));
        await writer.ReplyAsync(1, CancellationToken.None);
        await writer.ReplyAsync(3, CancellationToken.None);
        await writer.DataAsync(3, "hello"u8.ToArray(), fin: false, CancellationToken.None);
        await writer.DataAsync(3, ReadOnlyMemory<byte>.Empty, fin: true, CancellationToken.None);
        await writer.ResetAsync(5, 3, CancellationToken.None);
        await writer.PingAsync(7, CancellationToken.None);
        await output.DisposeAsync();

        var reader = new SpdyFrameReader(pipe.Reader.AsStream());
        var frames = new List<SpdyFrame>();
        while (await reader.ReadAsync(CancellationToken.None) is { } frame) frames.Add(frame);

        Assert.Equal([SpdyFrameType.SynReply, SpdyFrameType.SynReply, SpdyFrameType.Data, SpdyFrameType.Data, SpdyFrameType.RstStream, SpdyFrameType.Ping],
            frames.Select(f => f.Type));
        Assert.Equal([1u, 3u, 3u, 3u, 5u, 0u], frames.Select(f => f.StreamId));
        Assert.Empty(frames[1].Headers!);
        Assert.Equal("hello", System.Text.Encoding.ASCII.GetString(frames[2].Payload.Span));
        Assert.True(frames[3].IsFin);
    }

    [Fact]
    public void A_header_block_keeps_names_and_values_with_their_lengths()
    {
        var block = SpdyHeaderCompression.Format(new Dictionary<string, string> { ["StreamType"] = "data", ["port"] = "80" });
        Assert.Equal("00000002" + "0000000a" + Convert.ToHexString("streamtype"u8) + "00000004" + Convert.ToHexString("data"u8)
            + "00000004" + Convert.ToHexString("port"u8) + "00000002" + Convert.ToHexString("80"u8), Convert.ToHexString(block), ignoreCase: true);
        Assert.Equal(new Dictionary<string, string> { ["streamtype"] = "data", ["port"] = "80" }, SpdyHeaderCompression.Parse(block));
    }

    [Theory]
    [InlineData("80020001000000000000", "SPDY version 2")]
    [InlineData("800300010000", "inside a frame header")]
    [InlineData("800300010000000c000000010000000000007800", "does not decompress")]
    public async Task What_is_not_SPDY_3_is_refused(string hex, string problem)
    {
        var reader = new SpdyFrameReader(new MemoryStream(Convert.FromHexString(hex)));
        var e = await Assert.ThrowsAnyAsync<Exception>(() => reader.ReadAsync(CancellationToken.None));
        Assert.Contains(problem, e.Message);
    }
}

using System.Buffers;
using System.Text;
using MiniKube.Sup.Logs;

namespace MiniKube.Sup.Tests.Logs;

public sealed class CriTextDecoderTests
{
    private const string Ts = "2024-05-01T12:00:00.000000000Z";

    private static readonly string Log =
        $"{Ts} stdout F one\n" +
        $"{Ts} stdout P tw\n{Ts} stdout P o \n{Ts} stdout F parts\n" +
        "garbage\n" +
        $"{Ts} stdout F {new string('y', CriTextDecoder.MaxRecordBytes)}\n" +
        $"{Ts} stdout F \n" +
        $"{Ts} stdout F \r\n" +
        $"{Ts} stdout F after\n" +
        $"{Ts} stdout P unended";

    private const string Text = "one\ntwo parts\n\n\r\nafter\n";

    private static string Decode(string log, int cut)
    {
        var decoder = new CriTextDecoder();
        var text = new ArrayBufferWriter<byte>();
        var bytes = Encoding.UTF8.GetBytes(log);
        for (var i = 0; i < bytes.Length; i += cut) decoder.Decode(bytes.AsSpan(i, Math.Min(cut, bytes.Length - i)), text);
        var beforeEnd = Encoding.UTF8.GetString(text.WrittenSpan);
        decoder.EndOfFile(text);
        return beforeEnd + "|" + Encoding.UTF8.GetString(text.WrittenSpan)[beforeEnd.Length..];
    }

    [Theory]
    [InlineData(1)]
    [InlineData(5)]
    [InlineData(64)]
    [InlineData(16_448)]
    [InlineData(1 << 20)]
    public void Text_is_the_records_content_whatever_the_chunks(int cut) =>
        // Partial records join the next; a line that is not a record, or longer than any, is skipped; the unended last
        // record waits for its line end until the file is known to end.
        Assert.Equal(Text + "|unended", Decode(Log, cut));
}

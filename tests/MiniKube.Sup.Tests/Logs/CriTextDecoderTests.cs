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

    private static string Decode(string log, int cut, LogTextOptions? options = null)
    {
        var decoder = new CriTextDecoder(options);
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

    private const string Stamped =
        "2024-05-01T12:00:00.100000000Z stdout F early\n" +
        "2024-05-01T12:00:05.000000001Z stdout P spl\n2024-05-01T12:00:06.000000000Z stdout F it\n" +
        "2024-05-01T12:00:07.000000000Z stderr F late\n";

    [Theory]
    [InlineData(1)]
    [InlineData(1 << 20)]
    public void Timestamps_begin_each_line_with_its_first_records_time(int cut) =>
        Assert.Equal(
            "2024-05-01T12:00:00.100000000Z early\n2024-05-01T12:00:05.000000001Z split\n2024-05-01T12:00:07.000000000Z late\n|",
            Decode(Stamped, cut, new LogTextOptions(Timestamps: true)));

    [Fact]
    public void Since_keeps_the_lines_whose_first_record_is_not_older()
    {
        // The split line began at 12:00:05: before the cut-off at 12:00:05.5, so it goes whole, its later part too.
        Assert.Equal("late\n|", Decode(Stamped, 7, new LogTextOptions(Since: new DateTimeOffset(2024, 5, 1, 12, 0, 5, 500, TimeSpan.Zero))));
        Assert.Equal("split\nlate\n|", Decode(Stamped, 7, new LogTextOptions(Since: new DateTimeOffset(2024, 5, 1, 12, 0, 1, TimeSpan.Zero))));
    }
}

using System.Text;
using MiniKube.Sup.Logs;

namespace MiniKube.Sup.Tests.Logs;

public sealed class CriLogRecordTests
{
    private static byte[] B(string s) => Encoding.UTF8.GetBytes(s);

    private static string Format(DateTimeOffset time, bool partial, string content, LogStream stream = LogStream.Stdout)
    {
        var buffer = new byte[CriLogRecord.HeaderBytes + B(content).Length + 1];
        var n = CriLogRecord.Format(buffer, time, stream, partial, B(content));
        Assert.Equal(buffer.Length, n);
        return Encoding.UTF8.GetString(buffer, 0, n);
    }

    [Fact]
    public void A_record_is_timestamp_stream_tag_and_content_one_space_apart_then_a_newline()
    {
        var time = new DateTimeOffset(2016, 10, 6, 2, 17, 9, TimeSpan.FromHours(2)).AddTicks(6697942);
        Assert.Equal("2016-10-06T00:17:09.669794200Z stdout F log text\n", Format(time, false, "log text"));
        Assert.Equal("2016-10-06T00:17:09.669794200Z stderr P \n", Format(time, true, "", LogStream.Stderr));
        Assert.Equal("2024-01-01T00:00:00.000000000Z stdout F \r tab\there\n", Format(new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero), false, "\r tab\there"));
    }

    [Fact]
    public void What_is_written_reads_back()
    {
        var time = new DateTimeOffset(2031, 12, 31, 23, 59, 59, TimeSpan.Zero).AddTicks(1234567);
        var line = B(Format(time, true, "héllo wörld"));
        Assert.True(CriLogRecord.TryParse(line.AsMemory(0, line.Length - 1), out var record));
        Assert.Equal(time, record.Time);
        Assert.Equal(LogStream.Stdout, record.Stream);
        Assert.True(record.Partial);
        Assert.Equal("héllo wörld", Encoding.UTF8.GetString(record.Content.Span));
    }

    [Theory]
    // kubelet's own examples (pkg/kubelet/kuberuntime/logs parseCRILog)
    [InlineData("2016-10-06T00:17:09.669794202Z stdout P log content 1", "2016-10-06T00:17:09.6697942+00:00", "Stdout", true, "log content 1")]
    [InlineData("2016-10-06T00:17:09.669794203Z stderr F log content 2", "2016-10-06T00:17:09.6697942+00:00", "Stderr", false, "log content 2")]
    // Go's RFC3339Nano drops trailing zeros, and a local time carries its offset (containerd writes time.Now())
    [InlineData("2016-10-06T00:17:09Z stdout F x", "2016-10-06T00:17:09+00:00", "Stdout", false, "x")]
    [InlineData("2016-10-06T02:17:09.5+02:00 stdout F x", "2016-10-06T02:17:09.5+02:00", "Stdout", false, "x")]
    [InlineData("2016-10-05T19:17:09.25-05:00 stdout F x", "2016-10-05T19:17:09.25-05:00", "Stdout", false, "x")]
    // an empty line; spaces and a '\r' in the content are content
    [InlineData("2016-10-06T00:17:09Z stdout F ", "2016-10-06T00:17:09+00:00", "Stdout", false, "")]
    [InlineData("2016-10-06T00:17:09Z stdout F  two  spaces\r", "2016-10-06T00:17:09+00:00", "Stdout", false, " two  spaces\r")]
    // k8s: tags are ':'-separated and only the first one counts ("Keep this forward compatible")
    [InlineData("2016-10-06T00:17:09Z stdout P:x:y z", "2016-10-06T00:17:09+00:00", "Stdout", true, "z")]
    [InlineData("2016-10-06T00:17:09Z stdout Q z", "2016-10-06T00:17:09+00:00", "Stdout", false, "z")]
    public void Records_of_any_CRI_writer_parse(string line, string time, string stream, bool partial, string content)
    {
        Assert.True(CriLogRecord.TryParse(B(line), out var record));
        Assert.Equal(DateTimeOffset.Parse(time, System.Globalization.CultureInfo.InvariantCulture), record.Time);
        Assert.Equal(record.Time.Offset, DateTimeOffset.Parse(time, System.Globalization.CultureInfo.InvariantCulture).Offset);
        Assert.Equal(Enum.Parse<LogStream>(stream), record.Stream);
        Assert.Equal(partial, record.Partial);
        Assert.Equal(content, Encoding.UTF8.GetString(record.Content.Span));
    }

    [Theory]
    [InlineData("")]
    [InlineData("plain output of an older sup")]
    [InlineData("2016-10-06T00:17:09Z")]
    [InlineData("2016-10-06T00:17:09Z stdout")]
    [InlineData("2016-10-06T00:17:09Z stdout F")] // the tag needs its space, even before empty content
    [InlineData("2016-10-06T00:17:09Z stdin F x")]
    [InlineData("2016-10-06 00:17:09Z stdout F x")]
    [InlineData("2016-10-06T00:17:09 stdout F x")]
    [InlineData("2016-10-06T00:17:09. stdout F x")]
    [InlineData("2016-13-06T00:17:09Z stdout F x")]
    [InlineData("2016-02-30T00:17:09Z stdout F x")]
    [InlineData("2016-10-06T24:00:00Z stdout F x")]
    [InlineData("2016-10-06T00:17:09+2:00 stdout F x")]
    [InlineData("2016-10-06T00:17:09+25:00 stdout F x")]
    [InlineData("0001-01-01T00:00:00+01:00 stdout F x")] // before the first representable instant
    [InlineData("２016-10-06T00:17:09Z stdout F x")]
    public void Lines_that_are_not_records_do_not_parse(string line) =>
        Assert.False(CriLogRecord.TryParse(B(line), out _));
}

using System.Text;
using Microsoft.Extensions.Time.Testing;
using MiniKube.Sup.Logs;

namespace MiniKube.Sup.Tests.Logs;

public sealed class CriLogWriterTests : IDisposable
{
    private readonly TempDirectory _dir = new("sup-cri-");
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2024, 5, 1, 12, 34, 56, TimeSpan.Zero).AddTicks(1234567));

    public void Dispose() => _dir.Dispose();

    private string Log => LogLocator.CurrentFile(_dir.Path, 0);

    private static byte[] B(string s) => Encoding.UTF8.GetBytes(s);

    [Fact]
    public void Each_line_is_a_record_stamped_with_the_time_it_was_read()
    {
        using (var w = new CriLogWriter(new RotatingLogWriter(Log), _time))
        {
            w.Write(B("hello\nwor"));
            _time.Advance(TimeSpan.FromSeconds(1));
            w.Write(B("ld\n\nbye"));
            w.Complete();
        }
        Assert.Equal(
            "2024-05-01T12:34:56.123456700Z stdout F hello\n" +
            "2024-05-01T12:34:57.123456700Z stdout F world\n" +
            "2024-05-01T12:34:57.123456700Z stdout F \n" +
            "2024-05-01T12:34:57.123456700Z stdout P bye\n",
            File.ReadAllText(Log));
    }

    [Fact]
    public void A_line_past_16_KiB_is_written_as_partial_records_of_16_KiB_and_a_full_one()
    {
        var seen = new List<(int, bool)>();
        using (var w = new CriLogWriter(new RotatingLogWriter(Log), _time, (content, partial) => seen.Add((content.Length, partial))))
            w.Write(B(new string('x', 2 * CriLogRecord.MaxContentBytes + 1) + "\n"));
        var records = File.ReadAllLines(Log);
        Assert.Equal(3, records.Length);
        Assert.Equal("2024-05-01T12:34:56.123456700Z stdout P " + new string('x', CriLogRecord.MaxContentBytes), records[0]);
        Assert.Equal("2024-05-01T12:34:56.123456700Z stdout P " + new string('x', CriLogRecord.MaxContentBytes), records[1]);
        Assert.Equal("2024-05-01T12:34:56.123456700Z stdout F x", records[2]);
        Assert.Equal([(CriLogRecord.MaxContentBytes, true), (CriLogRecord.MaxContentBytes, true), (1, false)], seen);
    }

    [Fact]
    public void Rotation_never_splits_a_record_across_files()
    {
        var random = new Random(3);
        var output = new StringBuilder();
        using (var w = new CriLogWriter(new RotatingLogWriter(Log, new LogRotationOptions(300, 1000)), _time))
        {
            for (var i = 0; i < 400; i++)
            {
                var line = new string((char)('a' + i % 26), random.Next(0, 120)) + (i % 50 == 0 ? new string('z', 17_000) : "") + "\n";
                output.Append(line);
                w.Write(B(line));
            }
        }
        var files = LogLocator.Files(_dir.Path, 0);
        Assert.True(files.Count > 50);
        foreach (var file in files)
        {
            var bytes = File.ReadAllBytes(file);
            Assert.Equal((byte)'\n', bytes[^1]);
            Assert.All(Encoding.UTF8.GetString(bytes).TrimEnd('\n').Split('\n'), r => Assert.True(CriLogRecord.TryParse(B(r), out _), r));
        }
        Assert.Equal(output.ToString(), Encoding.UTF8.GetString(LogReader.ReadText(_dir.Path, 0).SelectMany(c => c.ToArray()).ToArray()));
    }
}

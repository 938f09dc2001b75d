using System.Text;
using Microsoft.Extensions.Time.Testing;
using MiniKube.Sup.Logs;

namespace MiniKube.Sup.Tests.Logs;

/// <summary>Where a daemon that adopts an image container reads on in the engine's log: the time of the last record
/// in the container's own log, rotated or not.</summary>
public sealed class CriLastTimeTests : IDisposable
{
    private readonly TempDirectory _dir = new("sup-lasttime-");
    private static readonly DateTimeOffset Start = new(2024, 5, 1, 12, 0, 0, TimeSpan.Zero);

    public void Dispose() => _dir.Dispose();

    private string Log => LogLocator.CurrentFile(_dir.Path, 0);

    [Fact]
    public void The_last_time_is_the_last_records_to_the_tick()
    {
        var time = new FakeTimeProvider(Start);
        using (var w = new CriLogWriter(new RotatingLogWriter(Log), time))
        {
            w.Write("first\n"u8);
            time.Advance(TimeSpan.FromTicks(1234567));
            w.Write(Encoding.UTF8.GetBytes(new string('x', 40_000) + "\n")); // three records, one line
        }
        Assert.Equal(Start.AddTicks(1234567), CriTail.LastTime(Log));
    }

    [Fact]
    public void A_current_file_just_rotated_and_empty_gives_the_last_time_of_the_rotated_part()
    {
        var time = new FakeTimeProvider(Start);
        using (var w = new CriLogWriter(new RotatingLogWriter(Log, new LogRotationOptions(46, 3)), time))
        {
            w.Write("line0\n"u8);
            time.Advance(TimeSpan.FromSeconds(1));
            w.Write("line1\n"u8);
        }
        Assert.Equal(Start.AddSeconds(1), CriTail.LastTime(Log));
        File.WriteAllText(Log, ""); // as right after a rotation: N.log.1 holds line0
        Assert.Equal(Start, CriTail.LastTime(Log));
    }

    [Fact]
    public void A_log_without_records_has_no_last_time()
    {
        Assert.Null(CriTail.LastTime(Log));
        File.WriteAllText(Log, "");
        Assert.Null(CriTail.LastTime(Log));
    }
}

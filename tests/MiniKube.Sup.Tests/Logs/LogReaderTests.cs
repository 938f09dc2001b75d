using System.Text;
using Microsoft.Extensions.Time.Testing;
using MiniKube.Sup.Logs;
using static MiniKube.Sup.Testing.Poll;

namespace MiniKube.Sup.Tests.Logs;

public sealed class LogReaderTests : IDisposable
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(5);
    private readonly TempDirectory _dir = new("sup-logs-");

    public void Dispose() => _dir.Dispose();

    private string Log(int n = 0) => LogLocator.CurrentFile(_dir.Path, n);

    private static byte[] B(string s) => Encoding.UTF8.GetBytes(s);

    private static readonly DateTimeOffset Now = new(2024, 5, 1, 12, 0, 0, TimeSpan.Zero);

    /// <summary>Writes <paramref name="output"/> as a container would have, CRI records into log <paramref name="n"/>.</summary>
    private void Container(string output, LogRotationOptions? rotation = null, int n = 0, bool ended = true)
    {
        using var w = new CriLogWriter(new RotatingLogWriter(Log(n), rotation), new FakeTimeProvider(Now));
        w.Write(B(output));
        if (ended) w.Complete();
    }

    private string Text(int n = 0, int? tail = null) =>
        Encoding.UTF8.GetString(LogReader.ReadText(_dir.Path, n, tail).SelectMany(c => c.ToArray()).ToArray());

    private static string Record(string tag, string content) => $"2024-05-01T12:00:00.000000000Z stdout {tag} {content}\n";

    [Fact]
    public void ReadText_gives_rotated_parts_oldest_first_then_the_current_file()
    {
        // 46-byte records, one per file.
        Container(string.Concat(Enumerable.Range(0, 7).Select(i => $"line{i}\n")), new LogRotationOptions(46, 10));
        Assert.True(File.Exists(Log() + ".6"));
        Assert.Equal(Record("F", "line0"), File.ReadAllText(Log() + ".6"));
        Assert.Equal(string.Concat(Enumerable.Range(0, 7).Select(i => $"line{i}\n")), Text());
    }

    [Fact]
    public void ReadText_of_a_missing_log_is_empty()
    {
        Assert.Empty(LogReader.ReadText(_dir.Path, 9));
        Assert.Empty(LogReader.ReadText(_dir.Path, 9, 5));
        Assert.Null(LogReader.TailPosition(_dir.Path, 9, 5));
    }

    [Fact]
    public void ReadText_joins_partial_records_and_skips_lines_that_are_not_records()
    {
        File.WriteAllText(Log(),
            "not a record\n" +
            Record("P", "hel") + Record("P", "lo ") + Record("F", "world") +
            "2024-05-01T12:00:00Z stdin F wrong stream\n" +
            $"2024-05-01T12:00:00Z stdout F {new string('x', CriTextDecoder.MaxRecordBytes)}\n" + // longer than any record
            Record("F", "") +
            "2024-05-01T12:00:00.5+02:00 stderr F:future-tag from another writer\n" +
            Record("P", "cut short at the end"));
        Assert.Equal("hello world\n\nfrom another writer\ncut short at the end", Text());
    }

    [Fact]
    public void Tail_gives_the_last_lines_across_rotated_parts()
    {
        Container(string.Concat(Enumerable.Range(0, 30).Select(i => $"line {i}\r\n")), new LogRotationOptions(100, 100));
        Assert.True(File.Exists(Log() + ".10"));
        Assert.Equal("line 26\nline 27\nline 28\nline 29\n", Text(tail: 4));
        Assert.Equal(30, Text(tail: 100).Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Equal("", Text(tail: 0));
    }

    [Fact]
    public void Tail_counts_an_unterminated_last_line_and_reads_big_files_backwards()
    {
        var big = new StringBuilder();
        for (var i = 0; i < 20_000; i++) big.Append("row ").Append(i).Append('\n');
        big.Append("partial");
        Container(big.ToString());
        Assert.Equal("row 19998\nrow 19999\npartial", Text(tail: 3));
        Assert.Equal("", Text(5, tail: 3));
    }

    [Fact]
    public void Tail_counts_a_line_of_partial_records_once_even_across_rotated_parts()
    {
        var longLine = new string('a', 3 * CriLogRecord.MaxContentBytes + 5);
        // Each record fills a file of its own: the long line spans four files.
        Container($"first\n{longLine}\nlast\nunended", new LogRotationOptions(40, 100));
        Assert.Equal(7, LogLocator.Files(_dir.Path, 0).Count);
        Assert.Equal("unended", Text(tail: 1));
        Assert.Equal($"{longLine}\nlast\nunended", Text(tail: 3));
        Assert.Equal($"first\n{longLine}\nlast\nunended", Text(tail: 4));
        Assert.Equal(Text(), Text(tail: 99));
    }

    [Fact]
    public void Tail_of_a_flood_that_never_ended_a_line_is_that_whole_line()
    {
        var flood = new string('a', 10 * CriLogRecord.MaxContentBytes + 1);
        Container("before\n" + flood, ended: false);
        // The last 16 KiB + 1 bytes still wait in the writer for more of their line.
        Assert.Equal(flood[..(9 * CriLogRecord.MaxContentBytes)], Text(tail: 1));
    }

    [Fact]
    public async Task FollowText_from_a_tail_position_gives_the_last_lines_then_what_is_appended()
    {
        var finished = false;
        var w = new CriLogWriter(new RotatingLogWriter(Log(), new LogRotationOptions(200, 50)), new FakeTimeProvider(Now));
        w.Write(B("one\ntwo\nthree\n"));
        var from = LogReader.TailPosition(_dir.Path, 0, 2);
        var received = new StringBuilder();
        var follow = Task.Run(async () =>
        {
            await foreach (var chunk in LogReader.FollowTextAsync(_dir.Path, 0, from, () => Volatile.Read(ref finished), TimeProvider.System, Poll))
                lock (received) received.Append(Encoding.UTF8.GetString(chunk.Span));
        });
        await Until(() => { lock (received) return received.ToString() == "two\nthree\n"; });
        w.Write(B("four\n" + new string('b', CriLogRecord.MaxContentBytes + 1) + "\nfive")); // rotates
        w.Complete();
        w.Dispose();
        Volatile.Write(ref finished, true);
        await follow.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.True(File.Exists(Log() + ".1"));
        Assert.Equal($"two\nthree\nfour\n{new string('b', CriLogRecord.MaxContentBytes + 1)}\nfive", received.ToString());
    }

    [Fact]
    public async Task FollowText_from_the_end_gives_only_what_is_appended()
    {
        Container("old\n");
        var from = LogReader.TailPosition(_dir.Path, 0, 0);
        using (var w = new CriLogWriter(new RotatingLogWriter(Log()), new FakeTimeProvider(Now))) w.Write(B("new\n"));
        var text = new StringBuilder();
        await foreach (var chunk in LogReader.FollowTextAsync(_dir.Path, 0, from, () => true, TimeProvider.System, Poll))
            text.Append(Encoding.UTF8.GetString(chunk.Span));
        Assert.Equal("new\n", text.ToString());
    }

    [Fact]
    public async Task Follow_reads_what_is_there_then_what_is_appended_and_ends_when_the_instance_has_finished()
    {
        var finished = false;
        var w = new RotatingLogWriter(Log(), new LogRotationOptions(1024, 3));
        w.Write(B("first\n"));
        var received = new StringBuilder();
        var follow = Task.Run(async () =>
        {
            await foreach (var chunk in LogReader.FollowAsync(_dir.Path, 0, () => Volatile.Read(ref finished), TimeProvider.System, Poll))
                lock (received) received.Append(Encoding.UTF8.GetString(chunk.Span));
        });
        await Until(() => { lock (received) return received.ToString() == "first\n"; });
        w.Write(B("second\n"));
        await Until(() => { lock (received) return received.ToString() == "first\nsecond\n"; });
        Assert.False(follow.IsCompleted);
        w.Write(B("last\n"));
        w.Dispose();
        Volatile.Write(ref finished, true);
        await follow.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal("first\nsecond\nlast\n", received.ToString());
    }

    [Fact]
    public async Task Follow_waits_for_the_log_to_appear_and_ends_at_once_when_there_is_none_and_never_will_be()
    {
        await foreach (var _ in LogReader.FollowAsync(_dir.Path, 7, () => true, TimeProvider.System, Poll))
            Assert.Fail("nothing to read");

        var finished = false;
        var chunks = new List<string>();
        var follow = Task.Run(async () =>
        {
            await foreach (var chunk in LogReader.FollowAsync(_dir.Path, 0, () => Volatile.Read(ref finished), TimeProvider.System, Poll))
                chunks.Add(Encoding.UTF8.GetString(chunk.Span));
        });
        await Task.Delay(50);
        using (var w = new RotatingLogWriter(Log())) w.Write(B("late\n"));
        Volatile.Write(ref finished, true);
        await follow.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal("late\n", string.Concat(chunks));
    }

    [Fact]
    public async Task Follow_can_be_cancelled()
    {
        File.WriteAllText(Log(), "x");
        using var cts = new CancellationTokenSource();
        var follow = Task.Run(async () =>
        {
            await foreach (var _ in LogReader.FollowAsync(_dir.Path, 0, () => false, TimeProvider.System, Poll, cts.Token)) { }
        });
        await Task.Delay(50);
        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => follow.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Theory]
    // ~78 KB in all: MaxFiles is large enough that no part is deleted however far the follower falls behind (a
    // stalled follower loses the parts deleted meanwhile: see the next test).
    [InlineData(512, 200)]   // ~150 rotations, often several between two polls: parts are followed one by one
    [InlineData(4096, 30)]
    public async Task Follow_across_rotations_receives_every_byte_exactly_once(int maxBytes, int maxFiles)
    {
        var finished = false;
        var expected = new StringBuilder("start\n");
        var received = new MemoryStream();
        using var w = new RotatingLogWriter(Log(), new LogRotationOptions(maxBytes, maxFiles));
        w.Write(B("start\n"));
        var follow = Task.Run(async () =>
        {
            await foreach (var chunk in LogReader.FollowAsync(_dir.Path, 0, () => Volatile.Read(ref finished), TimeProvider.System, TimeSpan.FromMilliseconds(1)))
                lock (received) received.Write(chunk.Span);
        });
        // The follower holds the first file before the writer rotates (parts beyond MaxFiles are deleted).
        await Until(() => { lock (received) return received.Length > 0; });
        // On a thread of its own: a sleeping writer on a pool thread of a 2-core machine starves the follower's timer.
        var writer = Task.Factory.StartNew(() =>
        {
            var random = new Random(42);
            for (var i = 0; i < 3000; i++)
            {
                var line = $"{i:D5} {new string((char)('a' + i % 26), random.Next(0, 40))}\n";
                expected.Append(line);
                w.Write(B(line));
                if (i % 10 == 0) Thread.Sleep(1);
            }
            w.Dispose();
        }, TaskCreationOptions.LongRunning);
        await writer.WaitAsync(TimeSpan.FromSeconds(30));
        Volatile.Write(ref finished, true);
        await follow.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.True(File.Exists(Log() + ".1"), "the log was rotated");
        Assert.Equal(expected.ToString(), Encoding.UTF8.GetString(received.ToArray()));
    }

    [Fact]
    public async Task A_follower_that_fell_behind_finishes_its_file_then_goes_on_with_the_oldest_part_left()
    {
        var finished = false;
        using var w = new RotatingLogWriter(Log(), new LogRotationOptions(4, 3));
        w.Write(B("aaaa"));
        await using var follow = LogReader.FollowAsync(_dir.Path, 0, () => Volatile.Read(ref finished), TimeProvider.System, Poll).GetAsyncEnumerator();
        Assert.True(await follow.MoveNextAsync());
        Assert.Equal("aaaa", Encoding.UTF8.GetString(follow.Current.Span));
        // While the follower is not reading, "bbbb" and "cccc" rotate past MaxFiles and are deleted; it still holds
        // "aaaa" open, which is complete.
        foreach (var part in new[] { "bbbb", "cccc", "dddd", "eeee", "ff" }) w.Write(B(part));
        w.Dispose();
        Volatile.Write(ref finished, true);
        var rest = new StringBuilder();
        while (await follow.MoveNextAsync()) rest.Append(Encoding.UTF8.GetString(follow.Current.Span));
        Assert.Equal("ddddeeeeff", rest.ToString());
    }

    [Fact]
    public async Task Follow_reads_a_file_again_from_its_start_when_it_is_truncated_in_place()
    {
        File.WriteAllText(Log(), "0123456789\n");
        var finished = false;
        var received = new StringBuilder();
        var follow = Task.Run(async () =>
        {
            await foreach (var chunk in LogReader.FollowAsync(_dir.Path, 0, () => Volatile.Read(ref finished), TimeProvider.System, Poll))
                lock (received) received.Append(Encoding.UTF8.GetString(chunk.Span));
        });
        await Until(() => { lock (received) return received.Length == 11; });
        using (var f = new FileStream(Log(), FileMode.Open, FileAccess.Write, FileShare.ReadWrite))
        {
            f.SetLength(0);
            f.Write(B("new\n"));
        }
        Volatile.Write(ref finished, true);
        await follow.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal("0123456789\nnew\n", received.ToString());
    }
}

using System.Text;
using MiniKube.Sup.Logs;

namespace MiniKube.Sup.Tests.Logs;

public sealed class LogReaderTests : IDisposable
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(5);
    private readonly string _dir = Directory.CreateTempSubdirectory("sup-logs-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Log(int n = 0) => LogLocator.CurrentFile(_dir, n);

    private static byte[] B(string s) => Encoding.UTF8.GetBytes(s);

    [Fact]
    public void ReadAll_gives_rotated_parts_oldest_first_then_the_current_file()
    {
        using (var w = new RotatingLogWriter(Log(), new LogRotationOptions(6, 10)))
            for (var i = 0; i < 7; i++) w.Write(B($"line{i}\n"));
        Assert.True(File.Exists(Log() + ".6"));
        Assert.Equal(string.Concat(Enumerable.Range(0, 7).Select(i => $"line{i}\n")), Encoding.UTF8.GetString(LogReader.ReadAll(_dir, 0)));
    }

    [Fact]
    public void ReadAll_of_a_missing_log_is_empty() => Assert.Empty(LogReader.ReadAll(_dir, 9));

    [Fact]
    public void Tail_gives_the_last_lines_across_rotated_parts()
    {
        using (var w = new RotatingLogWriter(Log(), new LogRotationOptions(20, 100)))
            for (var i = 0; i < 30; i++) w.Write(B($"line {i}\r\n"));
        Assert.Equal(["line 26", "line 27", "line 28", "line 29"], LogReader.Tail(_dir, 0, 4));
        Assert.Equal(30, LogReader.Tail(_dir, 0, 100).Count);
        Assert.Empty(LogReader.Tail(_dir, 0, 0));
    }

    [Fact]
    public void Tail_counts_an_unterminated_last_line_and_reads_big_files_backwards()
    {
        var big = new StringBuilder();
        for (var i = 0; i < 20_000; i++) big.Append("row ").Append(i).Append('\n');
        big.Append("partial");
        File.WriteAllText(Log(), big.ToString());
        Assert.Equal(["row 19998", "row 19999", "partial"], LogReader.Tail(_dir, 0, 3));
        Assert.Empty(LogReader.Tail(_dir, 5, 3));
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
            await foreach (var chunk in LogReader.FollowAsync(_dir, 0, () => Volatile.Read(ref finished), TimeProvider.System, Poll))
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
        await foreach (var _ in LogReader.FollowAsync(_dir, 7, () => true, TimeProvider.System, Poll))
            Assert.Fail("nothing to read");

        var finished = false;
        var chunks = new List<string>();
        var follow = Task.Run(async () =>
        {
            await foreach (var chunk in LogReader.FollowAsync(_dir, 0, () => Volatile.Read(ref finished), TimeProvider.System, Poll))
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
            await foreach (var _ in LogReader.FollowAsync(_dir, 0, () => false, TimeProvider.System, Poll, cts.Token)) { }
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
            await foreach (var chunk in LogReader.FollowAsync(_dir, 0, () => Volatile.Read(ref finished), TimeProvider.System, TimeSpan.FromMilliseconds(1)))
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
        await using var follow = LogReader.FollowAsync(_dir, 0, () => Volatile.Read(ref finished), TimeProvider.System, Poll).GetAsyncEnumerator();
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
            await foreach (var chunk in LogReader.FollowAsync(_dir, 0, () => Volatile.Read(ref finished), TimeProvider.System, Poll))
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

    private static async Task Until(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException();
            await Task.Delay(5);
        }
    }
}

using System.Text;
using MiniKube.Sup.Logs;

namespace MiniKube.Sup.Tests.Logs;

public sealed class LogRotationTests : IDisposable
{
    private readonly TempDirectory _dir = new("sup-logs-");

    public void Dispose() => _dir.Dispose();

    private string Log(int n = 0) => LogLocator.CurrentFile(_dir.Path, n);

    private static byte[] B(string s) => Encoding.ASCII.GetBytes(s);

    private string Text(string path) => File.ReadAllText(path);

    /// <summary>The CI of c94bfc5: `sup logs` of a container whose flood rotated its log every few milliseconds
    /// answered nothing, having looked for the current file between its move to N.log.1 and the next one's creation.</summary>
    [Fact]
    public void A_log_caught_between_a_rotations_move_and_its_next_file_still_exists()
    {
        File.WriteAllText(Log() + ".1", "moved"); // N.log moved aside, the next N.log not made yet
        Assert.True(LogLocator.Exists(_dir.Path, 0));
        Assert.False(LogLocator.Exists(_dir.Path, 1));
        File.WriteAllText(Log(1), "");
        Assert.True(LogLocator.Exists(_dir.Path, 1));
    }

    [Fact]
    public void Writes_that_fit_stay_in_one_file()
    {
        using (var w = new RotatingLogWriter(Log(), new LogRotationOptions(10, 3)))
        {
            w.Write(B("abcd"));
            w.Write(B("efghij")); // exactly 10
        }
        Assert.Equal("abcdefghij", Text(Log()));
        Assert.False(File.Exists(Log() + ".1"));
    }

    [Fact]
    public void A_write_that_would_exceed_the_limit_starts_a_new_file_and_is_not_split()
    {
        using (var w = new RotatingLogWriter(Log(), new LogRotationOptions(10, 3)))
        {
            w.Write(B("abcdefg"));
            w.Write(B("hijk")); // 11 > 10: rotate first
        }
        Assert.Equal("abcdefg", Text(Log() + ".1"));
        Assert.Equal("hijk", Text(Log()));
    }

    [Fact]
    public void A_write_larger_than_the_limit_is_never_split_and_fills_a_file_of_its_own()
    {
        // Each write is a log record, which a reader must find whole in one file.
        using (var w = new RotatingLogWriter(Log(), new LogRotationOptions(4, 5)))
        {
            w.Write(B("ab"));
            w.Write(B("0123456789"));
            w.Write(B("cd"));
        }
        Assert.Equal("ab", Text(Log() + ".2"));
        Assert.Equal("0123456789", Text(Log() + ".1"));
        Assert.Equal("cd", Text(Log()));
    }

    [Fact]
    public void At_most_MaxFiles_files_are_kept_and_the_oldest_is_dropped()
    {
        using (var w = new RotatingLogWriter(Log(), new LogRotationOptions(2, 3)))
            foreach (var part in new[] { "aa", "bb", "cc", "dd", "ee" }) w.Write(B(part));
        Assert.Equal(["0.log", "0.log.1", "0.log.2"], Directory.GetFiles(_dir.Path).Select(Path.GetFileName).Order());
        Assert.Equal("ee", Text(Log()));
        Assert.Equal("dd", Text(Log() + ".1"));
        Assert.Equal("cc", Text(Log() + ".2"));
    }

    [Fact]
    public void With_MaxFiles_1_the_file_starts_over()
    {
        using (var w = new RotatingLogWriter(Log(), new LogRotationOptions(3, 1)))
        {
            w.Write(B("abc"));
            w.Write(B("de"));
        }
        Assert.Equal(["0.log"], Directory.GetFiles(_dir.Path).Select(Path.GetFileName));
        Assert.Equal("de", Text(Log()));
    }

    [Fact]
    public void An_existing_log_is_appended_to_and_counts_towards_the_limit()
    {
        File.WriteAllText(Log(), "12345678");
        using (var w = new RotatingLogWriter(Log(), new LogRotationOptions(10, 2)))
            w.Write(B("abc"));
        Assert.Equal("12345678", Text(Log() + ".1"));
        Assert.Equal("abc", Text(Log()));
    }

    [Fact]
    public void Parts_beyond_a_smaller_limit_left_by_an_earlier_run_are_dropped()
    {
        File.WriteAllText(Log() + ".1", "1");
        File.WriteAllText(Log() + ".2", "2");
        File.WriteAllText(Log() + ".3", "3");
        File.WriteAllText(Log(), "cur");
        using (var w = new RotatingLogWriter(Log(), new LogRotationOptions(4, 2)))
            w.Write(B("new"));
        Assert.Equal(["0.log", "0.log.1"], Directory.GetFiles(_dir.Path).Select(Path.GetFileName).Order());
        Assert.Equal("cur", Text(Log() + ".1"));
    }

    [Fact]
    public void Defaults_are_10_MiB_times_5()
    {
        Assert.Equal(10 * 1024 * 1024, LogRotationOptions.Default.MaxBytes);
        Assert.Equal(5, LogRotationOptions.Default.MaxFiles);
        Assert.Throws<ArgumentOutOfRangeException>(() => new LogRotationOptions(0, 5));
        Assert.Throws<ArgumentOutOfRangeException>(() => new LogRotationOptions(10, 0));
    }

    [Fact]
    public void Locator_finds_the_current_and_previous_instance()
    {
        Assert.Null(LogLocator.Current(_dir.Path));
        File.WriteAllText(Log(3), "");
        Assert.Equal(3, LogLocator.Current(_dir.Path));
        Assert.Null(LogLocator.Previous(_dir.Path));
        File.WriteAllText(Log(2) + ".1", "");
        File.WriteAllText(Log(4), "");
        File.WriteAllText(Path.Combine(_dir.Path, "notes.txt"), "");
        File.WriteAllText(Path.Combine(_dir.Path, "5.log.bak"), "");
        Assert.Equal([2, 3, 4], LogLocator.Instances(_dir.Path));
        Assert.Equal(4, LogLocator.Current(_dir.Path));
        Assert.Equal(3, LogLocator.Previous(_dir.Path));
        File.Delete(Log(3));
        Assert.Null(LogLocator.Previous(_dir.Path));
        Assert.Null(LogLocator.Current(Path.Combine(_dir.Path, "missing")));
    }

    [Fact]
    public void Locator_lists_and_deletes_an_instance_with_its_rotated_parts()
    {
        using (var w = new RotatingLogWriter(Log(1), new LogRotationOptions(1, 4)))
            foreach (var part in new[] { "a", "b", "c", "d" }) w.Write(B(part));
        File.WriteAllText(Log(2), "");
        Assert.Equal([Log(1) + ".3", Log(1) + ".2", Log(1) + ".1", Log(1)], LogLocator.Files(_dir.Path, 1));
        LogLocator.Delete(_dir.Path, 1);
        Assert.Equal(["2.log"], Directory.GetFiles(_dir.Path).Select(Path.GetFileName));
    }
}

using MiniKube.Sup.Runtime.Engine;

namespace MiniKube.Sup.Tests.Runtime.Engine;

public sealed class EngineUseMarkTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("sup-mark-").FullName;

    private string MarkFile => Path.Combine(_dir, "engine-used");

    [Fact]
    public void A_mark_set_by_one_daemon_is_seen_by_the_next_until_a_clean_sweep_clears_it()
    {
        var first = new EngineUseMark(MarkFile);
        Assert.False(first.IsSet);
        first.Set();
        first.Set(); // once per life: the second is free
        Assert.True(File.Exists(MarkFile));

        var next = new EngineUseMark(MarkFile); // the daemon after a crash
        Assert.True(next.IsSet);
        next.Clear();
        Assert.False(next.IsSet);
        Assert.False(File.Exists(MarkFile));
    }

    [Fact]
    public void A_mark_cleared_is_written_again_by_the_next_use()
    {
        var mark = new EngineUseMark(MarkFile);
        mark.Set();
        mark.Clear();
        mark.Set();
        Assert.True(File.Exists(MarkFile));
    }

    [Fact]
    public void A_mark_that_cannot_be_written_says_why()
    {
        var mark = new EngineUseMark(Path.Combine(_dir, "missing", "engine-used"));
        Assert.Throws<DirectoryNotFoundException>(mark.Set);
        Assert.False(mark.IsSet);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}

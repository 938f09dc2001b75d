using MiniKube.Sup.Pods;

namespace MiniKube.Sup.Tests.Pods;

public sealed class ManagedHostsFileTests : IDisposable
{
    private readonly TempDirectory _dir = new("sup-hosts-");

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void A_rewrite_lands_in_the_same_file_that_a_bind_mount_holds()
    {
        var file = new ManagedHostsFile(Path.Combine(_dir.Path, "hosts"));
        Assert.True(file.Write("127.0.0.1\tlocalhost\n127.0.0.80\tweb-0.web\n"));
        // An open handle stands for the bind mount: it sees the file's new text only if the file was not replaced.
        using var held = new FileStream(file.Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);

        Assert.True(file.Write("127.0.0.1\tlocalhost\n127.0.0.80\tweb-0.web\n127.0.0.81\tweb-1.web\n"));

        Assert.Equal("127.0.0.1\tlocalhost\n127.0.0.80\tweb-0.web\n127.0.0.81\tweb-1.web\n", new StreamReader(held).ReadToEnd());
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead, File.GetUnixFileMode(file.Path));
    }

    [Fact]
    public void A_shorter_text_leaves_nothing_of_the_longer_one_and_the_same_text_is_not_written_again()
    {
        var file = new ManagedHostsFile(Path.Combine(_dir.Path, "hosts"));
        file.Write("127.0.0.1\tlocalhost\n127.0.0.79\tlate\n");
        Assert.True(file.Write("127.0.0.1\tlocalhost\n"));
        Assert.Equal("127.0.0.1\tlocalhost\n", file.Read());
        var written = File.GetLastWriteTimeUtc(file.Path);
        File.SetLastWriteTimeUtc(file.Path, written.AddHours(-1));

        Assert.False(file.Write("127.0.0.1\tlocalhost\n"));
        Assert.Equal(written.AddHours(-1), File.GetLastWriteTimeUtc(file.Path));
    }

    [Fact]
    public void A_file_not_there_reads_as_null() => Assert.Null(new ManagedHostsFile(Path.Combine(_dir.Path, "none", "hosts")).Read());
}

using MiniKube.Sup.FileSystem;

namespace MiniKube.Sup.Tests.FileSystem;

/// <summary>Which state dirs and files the daemon may trust. These tests run as root (as the suite does) and give
/// paths to uid 4242, a user that need not exist: ownership is all that matters.</summary>
public sealed class TrustedPathTests : IDisposable
{
    private const int Stranger = 4242;
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private readonly TempDirectory _root = new("sup-trust-");

    public void Dispose() => _root.Dispose();

    /// <summary>A directory with exactly this mode (the umask does not apply).</summary>
    private string Dir(string name, UnixFileMode mode = OwnerOnly)
    {
        var dir = Directory.CreateDirectory(Path.Combine(_root.Path, name)).FullName;
        File.SetUnixFileMode(dir, mode);
        return dir;
    }

    /// <summary>chown -h: a link itself, not its target.</summary>
    private static void GiveAway(string path)
    {
        using var chown = System.Diagnostics.Process.Start("chown", ["-h", $"{Stranger}:{Stranger}", path]);
        chown.WaitForExit();
        Assert.Equal(0, chown.ExitCode);
    }

    [Fact]
    public void A_missing_state_dir_under_trusted_directories_is_fine_and_so_is_ours_once_made()
    {
        var state = Path.Combine(_root.Path, "state", "deeper");
        Assert.Null(TrustedPath.DirectoryProblem(state));
        Directory.CreateDirectory(state, OwnerOnly);
        Assert.Null(TrustedPath.DirectoryProblem(state));
    }

    [Fact]
    public void A_state_dir_another_user_owns_is_refused_naming_them()
    {
        var state = Dir("state");
        GiveAway(state);
        Assert.Equal($"{state} is owned by uid 4242, not by you (uid 0): that user could have written objects into it that sup would run as you; use a state dir of your own",
            TrustedPath.DirectoryProblem(state));
    }

    [Theory]
    [InlineData(0x1FF, "others")] // 0777
    [InlineData(0x1F8, "group")] // 0770
    [InlineData(0x3FF, "others")] // 1777: sticky does not make a state dir private
    public void A_state_dir_writable_by_group_or_others_is_refused(int mode, string who)
    {
        var state = Dir("state");
        File.SetUnixFileMode(state, (UnixFileMode)mode);
        Assert.Equal($"{state} is writable by {who} (mode {Convert.ToString(mode, 8).PadLeft(4, '0')}): chmod 700 it, or use another state dir",
            TrustedPath.DirectoryProblem(state));
    }

    [Fact]
    public void A_directory_above_the_state_dir_that_another_user_owns_or_may_write_is_refused()
    {
        var theirs = Dir("theirs", (UnixFileMode)0x1ED);
        GiveAway(theirs);
        var open = Dir("open", (UnixFileMode)0x1FF);
        var sticky = Dir("sticky", (UnixFileMode)0x3FF);

        Assert.Equal($"{theirs} is owned by uid 4242, not by you or root: that user could put a state dir of their own in place of {theirs}/state",
            TrustedPath.DirectoryProblem(Path.Combine(theirs, "state")));
        Assert.Equal($"{open} is writable by others (mode 0777): anyone could put a state dir of their own in place of {open}/state",
            TrustedPath.DirectoryProblem(Path.Combine(open, "state")));
        // /tmp's case: nobody may rename or remove what they do not own in a sticky directory.
        Assert.Null(TrustedPath.DirectoryProblem(Path.Combine(sticky, "state")));
    }

    [Fact]
    public void Symlinks_are_followed_only_when_root_or_we_made_them_and_their_targets_are_checked_too()
    {
        var sticky = Dir("sticky", (UnixFileMode)0x3FF);
        var theirDir = Dir("their-dir", (UnixFileMode)0x1ED);
        GiveAway(theirDir);
        var ours = Path.Combine(sticky, "ours");
        File.CreateSymbolicLink(ours, Dir("real"));
        var planted = Path.Combine(sticky, "planted");
        File.CreateSymbolicLink(planted, Dir("elsewhere"));
        GiveAway(planted);
        var intoTheirs = Path.Combine(_root.Path, "into-theirs");
        File.CreateSymbolicLink(intoTheirs, theirDir);

        Assert.Null(TrustedPath.DirectoryProblem(ours));
        Assert.Equal($"{planted} is a symbolic link owned by uid 4242: sup follows only links of yours or root's", TrustedPath.DirectoryProblem(planted));
        Assert.StartsWith($"{theirDir} is owned by uid 4242", TrustedPath.DirectoryProblem(Path.Combine(intoTheirs, "state")));
    }

    [Fact]
    public void A_file_in_the_state_dir_must_be_ours_not_a_link_and_writable_by_nobody_else()
    {
        var state = Dir("state");
        var db = Path.Combine(state, "sup.db");
        Assert.Null(TrustedPath.FileProblem(db, FileKind.RegularFile));

        File.WriteAllText(db, "");
        Assert.Null(TrustedPath.FileProblem(db, FileKind.RegularFile));
        File.SetUnixFileMode(db, (UnixFileMode)0x1B6); // 0666
        Assert.Equal($"{db} is writable by others (mode 0666): chmod 600 it, or move it aside", TrustedPath.FileProblem(db, FileKind.RegularFile));
        File.SetUnixFileMode(db, (UnixFileMode)0x180);
        GiveAway(db);
        Assert.Equal($"{db} is owned by uid 4242, not by you (uid 0): move it aside, sup makes a new one", TrustedPath.FileProblem(db, FileKind.RegularFile));
        File.Delete(db);
        File.CreateSymbolicLink(db, Path.Combine(state, "elsewhere.db"));
        Assert.Equal($"{db} is a symbolic link: sup opens only the file itself; remove the link", TrustedPath.FileProblem(db, FileKind.RegularFile));
        File.Delete(db);
        Directory.CreateDirectory(db);
        Assert.Equal($"{db} is not a regular file", TrustedPath.FileProblem(db, FileKind.RegularFile));
    }
}

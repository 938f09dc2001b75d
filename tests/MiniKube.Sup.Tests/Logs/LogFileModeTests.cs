using MiniKube.Sup.Logs;

namespace MiniKube.Sup.Tests.Logs;

/// <summary>Container output may hold anything a program prints (tokens, passwords): its log files are owner-only
/// from the moment they exist, rotated parts included.</summary>
public sealed class LogFileModeTests : IDisposable
{
    private readonly TempDirectory _dir = new("sup-log-modes-");

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Log_files_and_their_rotated_parts_are_owner_only()
    {
        var log = LogLocator.CurrentFile(_dir.Path, 0);
        using (var writer = new RotatingLogWriter(log, new LogRotationOptions(4, 3)))
        {
            writer.Write("abcd"u8);
            writer.Write("efgh"u8); // rotates: 0.log.1 and a fresh 0.log
        }

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(log));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(log + ".1"));
    }
}

namespace MiniKube.Sup.Processes;

/// <summary>What to exec: an absolute executable path, argv (argv[0] included), the full environment as
/// KEY=VALUE, the working directory, the descriptor that becomes both stdout and stderr, and the cgroup directory
/// the process starts in (null: the daemon's own), and its descriptor limit (soft, hard) when it must differ from
/// the daemon's (null: <see cref="DescriptorLimit.ForChildren"/>, the limit the daemon inherited, if it raised its own).</summary>
public sealed record SpawnRequest(
    string ExecutablePath,
    IReadOnlyList<string> Argv,
    IReadOnlyList<string> Environment,
    string WorkingDirectory,
    int OutputFd,
    string? Cgroup = null,
    (ulong Soft, ulong Hard)? DescriptorLimit = null,
    IReadOnlyList<string>? AlsoJoin = null,
    Action<string, string>? JoinFailed = null)
{
    /// <summary>The child's stdin (an exec's), instead of /dev/null.</summary>
    public int? InputFd { get; init; }

    /// <summary>The child's stderr, apart from its stdout (an exec's), instead of <see cref="SpawnRequest.OutputFd"/>.</summary>
    public int? ErrorFd { get; init; }

    /// <summary>A terminal's path (/dev/pts/N) to be the child's stdin, stdout, stderr and controlling terminal (an exec
    /// with a TTY): opened by the child once it leads its own session, which is what makes it its controlling one.</summary>
    public string? Terminal { get; init; }
}

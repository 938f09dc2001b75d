namespace MiniKube.Sup.Logs;

/// <summary>How a container instance's log is rotated by size (daemon options; the kubelet's
/// containerLogMaxSize / containerLogMaxFiles).</summary>
/// <param name="MaxBytes">the largest a log file may grow (a single record larger than this, at most 16 KiB and its
/// header, fills a file of its own: records are never split)</param>
/// <param name="MaxFiles">how many files an instance's log may span, the current one included: N.log plus at most
/// MaxFiles − 1 rotated files N.log.1 (newest) … N.log.(MaxFiles − 1) (oldest)</param>
public sealed record LogRotationOptions(long MaxBytes = LogRotationOptions.DefaultMaxBytes, int MaxFiles = LogRotationOptions.DefaultMaxFiles)
{
    public const long DefaultMaxBytes = 10 * 1024 * 1024;
    public const int DefaultMaxFiles = 5;

    public static LogRotationOptions Default { get; } = new();

    public long MaxBytes { get; } = MaxBytes > 0 ? MaxBytes : throw new ArgumentOutOfRangeException(nameof(MaxBytes), MaxBytes, "must be positive");

    public int MaxFiles { get; } = MaxFiles > 0 ? MaxFiles : throw new ArgumentOutOfRangeException(nameof(MaxFiles), MaxFiles, "must be at least 1");
}

namespace MiniKube.Sup.Logs;

/// <summary>What of a log's text is served, as the API server's log options say: each line prefixed with the time
/// its record was written (<c>timestamps=true</c>: RFC 3339 with nanoseconds, as the CRI record has it), and only
/// the lines written at or after <see cref="Since"/> (<c>sinceSeconds</c>, <c>sinceTime</c>).</summary>
public sealed record LogTextOptions(bool Timestamps = false, DateTimeOffset? Since = null)
{
    public static LogTextOptions Default { get; } = new();
}

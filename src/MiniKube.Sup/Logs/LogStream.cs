namespace MiniKube.Sup.Logs;

/// <summary>The stream a log record came from, as the CRI log format names it (<c>stdout</c>, <c>stderr</c>).</summary>
public enum LogStream
{
    Stdout,
    Stderr,
}

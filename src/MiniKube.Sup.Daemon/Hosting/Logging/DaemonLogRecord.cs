namespace MiniKube.Sup.Daemon.Hosting.Logging;

/// <summary>A line of the daemon's own log in --log-format json: its time, level and message, and the object it is
/// about where the message names one (<see cref="Object"/> as KIND/NAME; pod and container where known).</summary>
internal sealed record DaemonLogRecord(string Time, string Level, string Message)
{
    public string? Object { get; init; }
    public string? Namespace { get; init; }
    public string? Pod { get; init; }
    public string? Container { get; init; }
    public string? Exception { get; init; }
}

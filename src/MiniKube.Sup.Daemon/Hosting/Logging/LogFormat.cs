namespace MiniKube.Sup.Daemon.Hosting.Logging;

/// <summary>How `sup run` writes its output: --log-format text|json.</summary>
internal enum LogFormat
{
    /// <summary>Lines for people: "pod/container | line", "HH:mm:ss INF message".</summary>
    Text,

    /// <summary>One JSON object per line, for journald and log shippers (<see cref="ContainerLogRecord"/>, <see cref="DaemonLogRecord"/>).</summary>
    Json,
}

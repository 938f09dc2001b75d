namespace MiniKube.Sup.Daemon.Hosting.Logging;

/// <summary>A container's output line in --log-format json. <see cref="Stream"/> is always "stdout": a host
/// container's stdout and stderr share one pipe, so the daemon cannot tell them apart (see CriLogWriter).</summary>
internal sealed record ContainerLogRecord(string Time, string Namespace, string Pod, string Container, string Stream, string Message);

using Microsoft.Extensions.Logging;
using MiniKube.Sup.Diagnostics;

namespace MiniKube.Sup.Runtime;

/// <summary>Container output that could not be written to its log file (a full disk, an I/O error), counted across
/// every container and reported in the daemon's log once a minute at most, and once when logs are written again. The
/// output still reaches the daemon's console; the container is not disturbed (k8s: the kubelet's log writer reports
/// a failed write and carries on).</summary>
public sealed partial class ContainerLogLosses(ILogger logger, TimeProvider time)
{
    private readonly LossReport _report = new(time, TimeSpan.FromMinutes(1));

    public void Lost(string pod, string container, int bytes, string reason)
    {
        if (_report.Lost(bytes) is { } lost) LogLost(logger, lost, pod, container, reason);
    }

    public void Written()
    {
        if (_report.Recovered() is { } lost) LogWrittenAgain(logger, lost);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Bytes} byte(s) of container logs lost (latest: {Pod}/{Container}): {Reason}")]
    private static partial void LogLost(ILogger logger, long bytes, string pod, string container, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "container logs are written again ({Bytes} byte(s) were lost)")]
    private static partial void LogWrittenAgain(ILogger logger, long bytes);
}

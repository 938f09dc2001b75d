using Microsoft.Extensions.Logging;
using MiniKube.Sup.Events;
using MiniKube.Sup.Store;

namespace MiniKube.Sup.Controllers;

/// <summary>What every controller works with: the store (objects, their status, and what must survive a restart),
/// pod control, the clock, events, the state paths, and a logger.</summary>
public sealed record ControllerContext(
    ObjectStore Store,
    IPodControl Pods,
    TimeProvider Time,
    IEventRecorder Events,
    StatePaths Paths,
    ILogger Logger)
{
    /// <summary>Where controllers record what they measure (CronJob lateness, Job durations) for /metrics.</summary>
    public Metrics.SupMetrics Metrics { get; init; } = new();
}

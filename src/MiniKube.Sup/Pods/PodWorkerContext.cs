using Microsoft.Extensions.Logging;
using MiniKube.Sup.Events;
using MiniKube.Sup.Probes;
using MiniKube.Sup.Runtime;

namespace MiniKube.Sup.Pods;

/// <summary>What every pod worker shares: the runtime it acts through, the clock, the event recorder, paths and
/// the daemon's restart backoff.</summary>
public sealed record PodWorkerContext(
    IContainerRuntime Runtime,
    TimeProvider Time,
    IEventRecorder Events,
    StatePaths Paths,
    BackoffPolicy Backoff,
    IReadOnlyDictionary<string, string> InheritedEnvironment,
    ILogger Logger)
{
    /// <summary>How long to keep SIGKILLing what is left of a container after its main process is gone.</summary>
    public TimeSpan CleanupTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Runs probe and lifecycle hook handlers (fast tests script it).</summary>
    public IProber Prober { get; init; } = new Prober(Time);
}

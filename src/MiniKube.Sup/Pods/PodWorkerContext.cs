using Microsoft.Extensions.Logging;
using MiniKube.Sup.Events;
using MiniKube.Sup.Networking;
using MiniKube.Sup.Probes;
using MiniKube.Sup.Runtime;
using MiniKube.Sup.Volumes;

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

    private IProber? _prober;

    /// <summary>The loopback addresses pods are given (the daemon's claimed block).</summary>
    public PodAddressRange PodAddresses { get; init; } = PodAddressRange.Default;

    /// <summary>Every pod's network: probes dial pods through it.</summary>
    public PodNetworks Networks { get; init; } = new();

    /// <summary>Runs probe and lifecycle hook handlers (fast tests script it). Made on first use, so that it is
    /// given the <see cref="Networks"/> the context was made with.</summary>
    public IProber Prober
    {
        get => _prober ??= new Prober(Time, Runtime, Networks);
        init => _prober = value;
    }

    /// <summary>Where probe attempts are counted and timed for /metrics.</summary>
    public Metrics.SupMetrics Metrics { get; init; } = new();

    /// <summary>The ConfigMaps and Secrets containers take env and volume files from.</summary>
    public IConfigSource Config { get; init; } = ConfigSources.Empty;

    /// <summary>How soon a pod whose volumes or container config could not be set up tries again.
    /// k8s: the pod worker requeues a failed sync after its 10 s backOffPeriod.</summary>
    public TimeSpan SetupRetryInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>What an image container's environment starts from (k8s: the Services' variables; the image's own come
    /// from the engine), where a host container's starts from <see cref="InheritedEnvironment"/>.</summary>
    public IReadOnlyDictionary<string, string> ImageEnvironment { get; init; } = new Dictionary<string, string>();

    /// <summary>The names a pod sandbox's /etc/hosts resolves (the Services, as seen from the pod's namespace), read
    /// when the sandbox is made.</summary>
    public Func<string, IReadOnlyList<HostEntry>> HostEntries { get; init; } = _ => [];

    /// <summary>The same names as a host pod reaches them (a Service without a clusterIP at the host's 127.0.0.1).</summary>
    public Func<string, IReadOnlyList<HostEntry>> HostPodEntries { get; init; } = _ => [];

    /// <summary>The service account files an image pod of a namespace gets (token and CA), if the API is served to pods.</summary>
    public Func<string, ServiceAccountFiles?> ServiceAccount { get; init; } = _ => null;
}

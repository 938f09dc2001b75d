using MiniKube.Sup.Pods;

namespace MiniKube.Sup;

/// <summary>The daemon's options (sup run flags).</summary>
public sealed record SupervisorOptions
{
    public IReadOnlyList<string> Files { get; init; } = ["supervisor.yaml"];
    public string StateDir { get; init; } = ".sup";
    public BackoffPolicy Backoff { get; init; } = BackoffPolicy.Kubernetes;
    public Controllers.JobBackoffPolicy JobBackoff { get; init; } = Controllers.JobBackoffPolicy.Kubernetes;
    public Logs.LogRotationOptions LogRotation { get; init; } = Logs.LogRotationOptions.Default;
    /// <summary>Which container engine runs image pods (--container-engine).</summary>
    public Runtime.Engine.ContainerEngineChoice ContainerEngine { get; init; } = Runtime.Engine.ContainerEngineChoice.Auto;

    /// <summary>The loopback addresses pods are given (--pod-cidr); null: a free /16 block of 127.0.0.0/8.</summary>
    public Networking.PodAddressRange? PodCidr { get; init; }

    /// <summary>Where the API is served on TCP (sup run --listen), if it is: image pods reach it there too.</summary>
    public System.Net.IPEndPoint? ApiEndPoint { get; init; }

    /// <summary>What pods are given to reach the API as in a cluster (a token per namespace and the CA), if it is served on TCP.</summary>
    public Api.ServiceAccountTokens? ServiceAccounts { get; init; }

    /// <summary>--keep-running: a stop leaves pods' containers running (host processes, and image containers in their
    /// engine) for the next start on the same state dir to adopt (an upgrade), instead of stopping them.</summary>
    public bool KeepRunning { get; init; }

    /// <summary>How Service connections from the host are forwarded (--service-proxy).</summary>
    public Services.ServiceProxyMode ServiceProxy { get; init; } = Services.ServiceProxyMode.Auto;
}

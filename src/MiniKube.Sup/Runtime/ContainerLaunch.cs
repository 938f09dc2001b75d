namespace MiniKube.Sup.Runtime;

/// <summary>Everything the runtime needs to start one container instance. The pod's uid and the instance number
/// name the instance (its cgroup, its engine container). <see cref="Image"/> is null for a host process, which runs
/// <see cref="Command"/> in <see cref="WorkingDirectory"/> with <see cref="Environment"/>; an image container runs as
/// its <see cref="ImageLaunch"/> says, in <see cref="Sandbox"/>.</summary>
public sealed record ContainerLaunch(
    string PodName,
    string ContainerName,
    IReadOnlyList<string> Command,
    IReadOnlyDictionary<string, string> Environment,
    string WorkingDirectory,
    string LogPath,
    string OwnerToken,
    string PodUid = "",
    int Instance = 0)
{
    /// <summary>The pod's namespace.</summary>
    public string Namespace { get; init; } = "default";

    /// <summary>The pod's sandbox (its network namespace, for an engine).</summary>
    public PodSandbox? Sandbox { get; init; }

    /// <summary>A host container's mount namespace of its own (volumes at their mountPath...); null: none.</summary>
    public HostIsolation? Isolation { get; init; }

    /// <summary>The user a host container runs as; null: the daemon's.</summary>
    public HostUser? User { get; init; }

    /// <summary>The image container's own fields; null for a host process.</summary>
    public ImageLaunch? Image { get; init; }

    /// <summary>k8s resources.limits (memory, cpu); a host process gets them through cgroups where the daemon can.</summary>
    public ContainerLimits Limits { get; init; } = ContainerLimits.None;

    /// <summary>k8s stdin, stdinOnce and tty: the container's stdin stays open for kubectl attach (once: until the
    /// first attach ends), and it runs on a terminal.</summary>
    public ContainerStdio Stdio { get; init; } = ContainerStdio.None;

    /// <summary>A host container's output pipe as a named one at this path, which outlives the daemon (adoption, see
    /// <see cref="OutputFifo"/>); null: an anonymous pipe. Not used with a terminal.</summary>
    public string? OutputFifo { get; init; }

    /// <summary>Where the runtime reports what the pod's events show (type Normal or Warning, reason, message):
    /// k8s Pulling, Pulled, Failed.</summary>
    public Action<string, string, string>? Report { get; init; }
}

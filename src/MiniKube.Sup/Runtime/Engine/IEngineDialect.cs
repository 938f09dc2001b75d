namespace MiniKube.Sup.Runtime.Engine;

/// <summary>
/// What differs between the container engines' command lines, behind <see cref="EngineRuntime"/> and
/// <see cref="EngineSweeper"/>, which do the rest the same way for every engine: how a pod's sandbox is made and
/// removed (a podman pod; a docker pause container), how a container joins it, how its process is made before its
/// output is followed, how an image's presence is asked, and what removal and listing look like.
/// </summary>
internal interface IEngineDialect
{
    /// <summary>The engine's command line (its environment names which engine: CONTAINERS_CONF, DOCKER_HOST).</summary>
    EngineCommand Command { get; }

    /// <summary>podman or docker: the scheme of container IDs (k8s: <c>docker://…</c>) and the engine in messages.</summary>
    string Name { get; }

    /// <summary>Makes the pod's sandbox under <paramref name="name"/>, first removing one of that name a dead worker
    /// left.</summary>
    /// <exception cref="SandboxException">the engine could not make it</exception>
    Task<PodSandbox> CreateSandboxAsync(SandboxRequest request, string daemonId, string name, CancellationToken cancellationToken);

    /// <summary>The <c>create</c> command line of a container instance in sandbox <paramref name="sandbox"/>.</summary>
    List<string> CreateContainer(ContainerLaunch launch, string daemonId, string name, string sandbox, ContainerUlimits limits);

    /// <summary>The command that makes the created container's process (after it, inspect gives its pid): podman
    /// <c>init</c> (the process waits to be started by the attach), docker <c>start</c>.</summary>
    IReadOnlyList<string> Prepare(string name);

    /// <summary>What the engine said when <see cref="Prepare"/> failed, as the kubelet shows a StartError.</summary>
    string StartError(EngineResult prepared, EngineContainerState? state);

    /// <summary>The command whose stdout and stderr are the container's, and which ends when the container does.</summary>
    IReadOnlyList<string> Attach(string name);

    /// <summary>The command that follows the output the engine kept of a container (its own log), from
    /// <paramref name="since"/> on (all of it when null), and ends when the container does: an adopted container's
    /// output, from where the last daemon's log stopped.</summary>
    IReadOnlyList<string> Follow(string name, DateTimeOffset? since);

    /// <summary>The container that holds the namespaces of sandbox <paramref name="name"/> (podman: its infra
    /// container; docker: the pause container, which is the sandbox).</summary>
    string SandboxHolder(string name);

    /// <summary>The sandbox <paramref name="name"/> an earlier daemon made for <paramref name="request"/>, taken back
    /// as it is (its holder runs as <paramref name="holderPid"/>).</summary>
    PodSandbox AdoptSandbox(SandboxRequest request, string name, int holderPid);

    /// <summary>The command that answers 0 when the image is present.</summary>
    IReadOnlyList<string> ImageExists(string image);

    /// <summary>Removes containers at once, whatever their state; not an error when one is gone already.</summary>
    IReadOnlyList<string> RemoveContainers(IReadOnlyList<string> names);

    /// <summary>Removes pod sandboxes with whatever is left in them.</summary>
    IReadOnlyList<string> RemoveSandboxes(IReadOnlyList<string> names);

    /// <summary>The command that lists the names of the sandboxes that match <paramref name="filter"/> which are not
    /// containers (podman's pods); null where sandboxes are containers (docker's pause containers).</summary>
    IReadOnlyList<string>? ListSandboxes(string filter);
}

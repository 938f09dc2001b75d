namespace MiniKube.Sup.Runtime.Engine;

/// <summary>
/// Which container engine the daemon uses, found once at start: the engine's command line that answers
/// <c>version</c> (docker: its daemon too, the one <c>DOCKER_HOST</c> names), or why none is usable. Auto takes podman
/// when it is usable, else docker. What differs between the engines is their <see cref="IEngineDialect"/>. A daemon
/// that is not root drives rootless podman (<see cref="Rootless"/>): the user's own podman, in a user namespace of its
/// own; not docker, whose containers it could not enter.
/// </summary>
public sealed record EngineSelection(ContainerEngineChoice Kind, EngineCommand? Command, string? Problem)
{
    public bool Usable => Command is not null;

    /// <summary>The daemon is not root: podman runs rootless (see <see cref="EngineRuntime"/> for what differs).</summary>
    public bool Rootless { get; init; }

    /// <summary>Rootless only: the pause process podman starts, to be ended when the daemon stops.</summary>
    public RootlessPause? Pause { get; init; }

    /// <summary>What the runtime and the sweeper drive; null when no engine is usable.</summary>
    internal IEngineDialect? Dialect { get; init; }

    public static async Task<EngineSelection> DetectAsync(ContainerEngineChoice choice, CancellationToken cancellationToken = default)
    {
        if (choice == ContainerEngineChoice.None) return new EngineSelection(choice, null, "--container-engine none");
        var rootless = Processes.Native.geteuid() != 0;
        string? podmanProblem = null;
        if (choice is ContainerEngineChoice.Auto or ContainerEngineChoice.Podman)
        {
            // Rootless podman's first command may start a pause process that outlives the daemon: note the ones there
            // are before asking it anything.
            var pause = rootless ? RootlessPause.Snapshot() : null;
            var podman = new EngineCommand("podman");
            podmanProblem = await ProbeAsync(podman, "{{.Client.Version}}", cancellationToken).ConfigureAwait(false);
            if (podmanProblem is null) return Selected(ContainerEngineChoice.Podman, new PodmanDialect(podman, rootless)) with { Rootless = rootless, Pause = pause };
            if (choice == ContainerEngineChoice.Podman) return new EngineSelection(choice, null, podmanProblem);
        }
        // The daemon enters its containers' namespaces (exec, probes, Services): docker's, as root only.
        if (rootless)
            return new EngineSelection(choice, null, (podmanProblem is null ? "" : $"no podman: {podmanProblem}; ") + "docker needs a daemon that runs as root (rootless: podman)");
        var docker = new EngineCommand("docker");
        // The server's version: the client answers its own without a daemon.
        var dockerProblem = await ProbeAsync(docker, "{{.Server.Version}}", cancellationToken).ConfigureAwait(false);
        if (dockerProblem is null) return Selected(ContainerEngineChoice.Docker, new DockerDialect(docker));
        dockerProblem += DockerHostHint();
        return new EngineSelection(choice, null, choice == ContainerEngineChoice.Auto ? $"no podman: {podmanProblem}; no docker: {dockerProblem}" : dockerProblem);
    }

    private static EngineSelection Selected(ContainerEngineChoice kind, IEngineDialect dialect) =>
        new(kind, dialect.Command, null) { Dialect = dialect };

    /// <returns>null when the engine answers, else why not</returns>
    private static async Task<string?> ProbeAsync(EngineCommand engine, string format, CancellationToken cancellationToken)
    {
        try
        {
            var version = await engine.RunAsync(["version", "--format", format], cancellationToken).ConfigureAwait(false);
            return version.Succeeded ? null : $"{engine.Executable} version: {version.Problem}";
        }
        catch (EngineException e)
        {
            return e.Message;
        }
    }

    /// <summary>Which docker daemon was asked: the docker command line's own environment says.</summary>
    private static string DockerHostHint() =>
        Environment.GetEnvironmentVariable("DOCKER_HOST") is { Length: > 0 } host
            ? $" (DOCKER_HOST={host})"
            : " (DOCKER_HOST is not set: the docker command line asked its default daemon; start dockerd, or set DOCKER_HOST to the one to use)";

    /// <summary>One line for the daemon's log.</summary>
    public string Description => Command is { } c
        ? $"container engine: {c.Executable}{(Rootless ? " (rootless)" : "")}"
        : $"container engine: none ({Problem}); image pods wait";
}

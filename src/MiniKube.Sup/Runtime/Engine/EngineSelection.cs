namespace MiniKube.Sup.Runtime.Engine;

/// <summary>
/// Which container engine the daemon uses, found once at start: the engine's command line that answers
/// <c>version</c>, or why none is usable. The seam for the engines' differences is the engine's kind: podman has pods
/// (one network namespace per pod); docker (a later issue) will need a pause container for the same. A daemon that is
/// not root drives rootless podman (<see cref="Rootless"/>): the user's own podman, in a user namespace of its own.
/// </summary>
public sealed record EngineSelection(ContainerEngineChoice Kind, EngineCommand? Command, string? Problem)
{
    public bool Usable => Command is not null;

    /// <summary>The daemon is not root: podman runs rootless (see <see cref="PodmanRuntime"/> for what differs).</summary>
    public bool Rootless { get; init; }

    /// <summary>Rootless only: the pause process podman starts, to be ended when the daemon stops.</summary>
    public RootlessPause? Pause { get; init; }

    public static async Task<EngineSelection> DetectAsync(ContainerEngineChoice choice, CancellationToken cancellationToken = default)
    {
        switch (choice)
        {
            case ContainerEngineChoice.None:
                return new EngineSelection(choice, null, "--container-engine none");
            case ContainerEngineChoice.Docker:
                return new EngineSelection(choice, null, "--container-engine docker: docker is not supported yet; use podman");
        }
        // Rootless podman's first command may start a pause process that outlives the daemon: note the ones there
        // are before asking it anything.
        var rootless = Processes.Native.geteuid() != 0;
        var pause = rootless ? RootlessPause.Snapshot() : null;
        var podman = new EngineCommand("podman");
        var problem = await ProbeAsync(podman, cancellationToken).ConfigureAwait(false);
        if (problem is null) return new EngineSelection(ContainerEngineChoice.Podman, podman, null) { Rootless = rootless, Pause = pause };
        return new EngineSelection(choice, null, choice == ContainerEngineChoice.Auto ? $"no podman: {problem}" : problem);
    }

    /// <returns>null when the engine answers, else why not</returns>
    private static async Task<string?> ProbeAsync(EngineCommand engine, CancellationToken cancellationToken)
    {
        try
        {
            var version = await engine.RunAsync(["version", "--format", "{{.Client.Version}}"], cancellationToken).ConfigureAwait(false);
            return version.Succeeded ? null : $"{engine.Executable} version: {version.Problem}";
        }
        catch (EngineException e)
        {
            return e.Message;
        }
    }

    /// <summary>One line for the daemon's log.</summary>
    public string Description => Command is { } c
        ? $"container engine: {c.Executable}{(Rootless ? " (rootless)" : "")}"
        : $"container engine: none ({Problem}); image pods wait";
}

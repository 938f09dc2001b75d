namespace MiniKube.Sup.Runtime.Engine;

/// <summary>
/// Which container engine the daemon uses, found once at start: the engine's command line that answers
/// <c>version</c>, or why none is usable. The seam for the engines' differences is the engine's kind: podman has pods
/// (one network namespace per pod); docker (a later issue) will need a pause container for the same.
/// </summary>
public sealed record EngineSelection(ContainerEngineChoice Kind, EngineCommand? Command, string? Problem)
{
    public bool Usable => Command is not null;

    public static async Task<EngineSelection> DetectAsync(ContainerEngineChoice choice, CancellationToken cancellationToken = default)
    {
        switch (choice)
        {
            case ContainerEngineChoice.None:
                return new EngineSelection(choice, null, "--container-engine none");
            case ContainerEngineChoice.Docker:
                return new EngineSelection(choice, null, "--container-engine docker: docker is not supported yet; use podman");
        }
        // Rootless podman comes with the next issue; asking it anything starts a pause process that outlives the daemon.
        if (Processes.Native.geteuid() != 0)
            return new EngineSelection(choice, null, "rootless podman is not supported yet: run sup as root for image pods");
        var podman = new EngineCommand("podman");
        var problem = await ProbeAsync(podman, cancellationToken).ConfigureAwait(false);
        if (problem is null) return new EngineSelection(ContainerEngineChoice.Podman, podman, null);
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
    public string Description => Command is { } c ? $"container engine: {c.Executable}" : $"container engine: none ({Problem}); image pods wait";
}

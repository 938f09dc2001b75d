using System.Collections.Concurrent;

namespace MiniKube.Sup.Runtime.Engine;

/// <summary>
/// docker's command line (the daemon <c>DOCKER_HOST</c> names, as for any docker client). Docker has no pods: a
/// pod's sandbox is a pause container (<see cref="DockerArguments.CreatePause"/>) whose namespaces the pod's
/// containers join. A container is made, started (<c>docker start</c>: a command the image lacks fails there, and
/// docker's inspect then says why), and its output followed (<c>docker logs --follow</c>, which ends when it does).
/// </summary>
internal sealed class DockerDialect(EngineCommand command) : IEngineDialect
{
    /// <summary>Which sandboxes share one pid namespace (k8s shareProcessNamespace): their containers join the pause
    /// container's. Kept while the sandbox lives; a sandbox is made again after a daemon restart.</summary>
    private readonly ConcurrentDictionary<string, bool> _sharedPid = new(StringComparer.Ordinal);

    private readonly Lock _pauseGate = new();
    private Task<string?>? _pause;

    public EngineCommand Command => command;

    public string Name => "docker";

    public async Task<PodSandbox> CreateSandboxAsync(SandboxRequest request, string daemonId, string name, CancellationToken cancellationToken)
    {
        if (await PauseImageAsync().WaitAsync(cancellationToken).ConfigureAwait(false) is { } missing)
            throw new SandboxException($"docker: no pause image: {missing}");
        // A pause container of this uid left by a worker that died before removing it: made again from scratch.
        await command.RunAsync(RemoveContainers([name]), cancellationToken).ConfigureAwait(false);
        var run = await command.RunAsync(DockerArguments.CreatePause(request, daemonId, name), cancellationToken).ConfigureAwait(false);
        var pause = run.Succeeded ? await EngineContainerState.InspectAsync(command, name, cancellationToken).ConfigureAwait(false) : null;
        if (pause is not { Pid: > 0 })
        {
            await command.RunAsync(RemoveContainers([name])).ConfigureAwait(false);
            throw new SandboxException(run.Succeeded ? "docker run: the pause container is not running" : $"docker run: {DaemonProblem(run)}");
        }
        return AdoptSandbox(request, name, pause.Pid);
    }

    public string SandboxHolder(string name) => name;

    public PodSandbox AdoptSandbox(SandboxRequest request, string name, int holderPid)
    {
        _sharedPid[name] = request.ShareProcessNamespace;
        return new PodSandbox(request.PodIp, request.HostNetwork ? null : holderPid, name);
    }

    public List<string> CreateContainer(ContainerLaunch launch, string daemonId, string name, string sandbox, ContainerUlimits limits) =>
        DockerArguments.CreateContainer(launch, daemonId, name, sandbox, _sharedPid.TryGetValue(sandbox, out var shared) && shared, limits);

    public IReadOnlyList<string> Prepare(string name) => ["start", name];

    /// <summary>The error docker keeps in the container's state (the OCI runtime's words), else what its command line said.</summary>
    public string StartError(EngineResult prepared, EngineContainerState? state) =>
        state?.Error is { Length: > 0 } error ? error : DaemonProblem(prepared);

    public IReadOnlyList<string> Attach(string name) => Follow(name, since: null);

    public IReadOnlyList<string> Follow(string name, DateTimeOffset? since) => EngineLogs.Follow(name, since);

    public IReadOnlyList<string> ImageExists(string image) => ["image", "inspect", "--format", "{{.Id}}", image];

    public IReadOnlyList<string> RemoveContainers(IReadOnlyList<string> names)
    {
        foreach (var name in names) _sharedPid.TryRemove(name, out _);
        return ["rm", "--force", "--volumes", .. names];
    }

    public IReadOnlyList<string> RemoveSandboxes(IReadOnlyList<string> names) => RemoveContainers(names);

    public IReadOnlyList<string>? ListSandboxes(string filter) => null;

    /// <summary>docker's first error line ("Error response from daemon: …"), without its prefix; the last one is
    /// often only "Error: failed to start containers: NAME".</summary>
    private static string DaemonProblem(EngineResult result)
    {
        const string Prefix = "Error response from daemon: ";
        var line = result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .FirstOrDefault(l => l.StartsWith(Prefix, StringComparison.Ordinal));
        return line is null ? result.Problem : line[Prefix.Length..];
    }

    /// <summary>The pause image, made once (<c>docker tag</c> of the busybox image, pulled if need be) where
    /// tests/images/build.sh has not built it.</summary>
    /// <returns>null when present, else why it cannot be had (asked again at the next sandbox)</returns>
    private Task<string?> PauseImageAsync()
    {
        lock (_pauseGate)
        {
            if (_pause is { IsCompleted: true, Result: not null }) _pause = null;
            return _pause ??= EnsurePauseImageAsync();
        }
    }

    private async Task<string?> EnsurePauseImageAsync()
    {
        const string Busybox = "docker.io/library/busybox:latest";
        if ((await command.RunAsync(ImageExists(DockerArguments.PauseImage)).ConfigureAwait(false)).Succeeded) return null;
        if (!(await command.RunAsync(ImageExists(Busybox)).ConfigureAwait(false)).Succeeded)
        {
            var pull = await command.RunLongAsync(["pull", "--quiet", Busybox]).ConfigureAwait(false);
            if (!pull.Succeeded) return $"{DockerArguments.PauseImage} is missing and {Busybox}, which it is made from, cannot be pulled: {DaemonProblem(pull)}";
        }
        var tag = await command.RunAsync(["tag", Busybox, DockerArguments.PauseImage]).ConfigureAwait(false);
        return tag.Succeeded ? null : $"docker tag {Busybox} {DockerArguments.PauseImage}: {DaemonProblem(tag)}";
    }
}

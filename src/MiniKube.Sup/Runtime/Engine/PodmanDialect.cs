namespace MiniKube.Sup.Runtime.Engine;

/// <summary>
/// podman's command line: a pod's sandbox is a podman pod (its infra container holds the namespaces); a container is
/// made in it, initialised (<c>podman init</c>: a command the image lacks fails there), then started attached, the
/// attach carrying its output and ending when it does.
/// </summary>
/// <param name="rootless">podman runs rootless (<see cref="EngineSelection.Rootless"/>): the daemon cannot enter its
/// pods' network namespaces (<see cref="EngineRuntime.RootlessNetwork"/>)</param>
internal sealed class PodmanDialect(EngineCommand command, bool rootless = false) : IEngineDialect
{
    public EngineCommand Command => command;

    public string Name => "podman";

    public async Task<PodSandbox> CreateSandboxAsync(SandboxRequest request, string daemonId, string name, CancellationToken cancellationToken)
    {
        // A pod of this uid left by a worker that died before removing it: made again from scratch.
        await command.RunAsync(RemoveSandboxes([name]), cancellationToken).ConfigureAwait(false);
        var created = await command.RunAsync(PodmanArguments.CreatePod(request, daemonId, name, request.ShareProcessNamespace), cancellationToken)
            .ConfigureAwait(false);
        if (!created.Succeeded) throw new SandboxException($"podman pod create: {created.Problem}");
        var started = await command.RunAsync(["pod", "start", name], cancellationToken).ConfigureAwait(false);
        if (!started.Succeeded)
        {
            await command.RunAsync(RemoveSandboxes([name])).ConfigureAwait(false);
            throw new SandboxException($"podman pod start: {started.Problem}");
        }
        if (request.HostNetwork || rootless) return AdoptSandbox(request, name, 0);
        var infra = await EngineContainerState.InspectAsync(command, EngineLabels.InfraName(name), cancellationToken).ConfigureAwait(false);
        if (infra is not { Pid: > 0 })
        {
            await command.RunAsync(RemoveSandboxes([name])).ConfigureAwait(false);
            throw new SandboxException("podman pod start: its infra container is not running");
        }
        return AdoptSandbox(request, name, infra.Pid);
    }

    public string SandboxHolder(string name) => EngineLabels.InfraName(name);

    public PodSandbox AdoptSandbox(SandboxRequest request, string name, int holderPid) =>
        request.HostNetwork ? new PodSandbox(request.PodIp, null, name)
        : rootless ? new PodSandbox(request.PodIp, null, name) { NetworkLimitation = EngineRuntime.RootlessNetwork }
        : new PodSandbox(request.PodIp, holderPid, name);

    public List<string> CreateContainer(ContainerLaunch launch, string daemonId, string name, string sandbox, ContainerUlimits limits) =>
        PodmanArguments.CreateContainer(launch, daemonId, name, sandbox, limits);

    public IReadOnlyList<string> Prepare(string name) => ["init", name];

    /// <summary>runc's words for a command the image lacks, as the kubelet shows them (StartError).</summary>
    public string StartError(EngineResult prepared, EngineContainerState? state) =>
        prepared.Problem.Replace("runc: runc create failed: ", "", StringComparison.Ordinal);

    /// <summary>No signal proxy: the daemon signals the container itself, with the pod's grace period.</summary>
    public IReadOnlyList<string> Attach(string name) => ["start", "--attach", "--sig-proxy=false", name];

    /// <summary>From the container's k8s-file log, which conmon writes whoever is attached (<see cref="PodmanArguments.CreateContainer"/>).</summary>
    public IReadOnlyList<string> Follow(string name, DateTimeOffset? since) => EngineLogs.Follow(name, since);

    public IReadOnlyList<string> ImageExists(string image) => ["image", "exists", image];

    public IReadOnlyList<string> RemoveContainers(IReadOnlyList<string> names) => ["rm", "--force", "--time", "0", "--ignore", .. names];

    public IReadOnlyList<string> RemoveSandboxes(IReadOnlyList<string> names) => ["pod", "rm", "--force", "--time", "0", "--ignore", .. names];

    public IReadOnlyList<string>? ListSandboxes(string filter) => ["pod", "ps", "--filter", filter, "--format", "{{.Name}}"];
}

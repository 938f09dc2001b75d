using Microsoft.Extensions.Logging;
using MiniKube.Sup.Logs;
using MiniKube.Sup.Processes;

namespace MiniKube.Sup.Runtime.Engine;

/// <summary>
/// Runs image pods under podman. A pod's sandbox is a podman pod (one network namespace, its containerPorts
/// published on the pod's loopback address, its hostname and /etc/hosts); each container instance is a podman
/// container in it, pulled as its imagePullPolicy says, created from the Kubernetes fields
/// (<see cref="PodmanArguments"/>), initialised (a command the image does not have is a start error there), then
/// started attached: its output comes into the daemon's log files as a host container's does (same rotation, same
/// <c>sup logs -f</c> and <c>--previous</c>), and the attach ends when the container does. Commands run in a container
/// enter its namespaces (<see cref="NsenterExec"/>). Everything is labelled with the daemon's id
/// (<see cref="EngineLabels"/>), and <see cref="EngineSweeper"/> removes what the daemon no longer wants.
/// </summary>
public sealed partial class PodmanRuntime : IContainerRuntime
{
    private readonly EngineCommand _engine;
    private readonly string _daemonId;
    private readonly IContainerOutput _output;
    private readonly LogRotationOptions? _rotation;
    private readonly ContainerLogLosses? _losses;
    private readonly TimeProvider _time;
    private readonly ImagePuller _images;
    private readonly ILogger _logger;
    private readonly bool _rootless;

    /// <param name="rootless">the daemon is not root (<see cref="EngineSelection.Rootless"/>): podman runs in a user
    /// namespace of its own, whose network namespaces the daemon cannot enter (setns(2) into a user namespace is refused
    /// to a multithreaded process, and a netns it owns cannot be entered without it), whose containers share the daemon's
    /// cgroup (no delegation: no limits, no cgroup of their own), and whose published ports are bound by the user
    /// (below net.ipv4.ip_unprivileged_port_start they are refused)</param>
    public PodmanRuntime(EngineCommand engine, string daemonId, IContainerOutput output, ILogger logger, LogRotationOptions? rotation = null,
        ContainerLogLosses? losses = null, TimeProvider? time = null, bool rootless = false)
    {
        _rootless = rootless;
        _engine = engine;
        _daemonId = daemonId;
        _output = output;
        _logger = logger;
        _rotation = rotation;
        _losses = losses;
        _time = time ?? TimeProvider.System;
        _images = new ImagePuller(engine, _time);
    }

    public async Task<PodSandbox> CreateSandboxAsync(SandboxRequest request, CancellationToken cancellationToken)
    {
        var name = EngineLabels.PodName(_daemonId, request.Namespace, request.PodName, request.PodUid);
        // A pod of this uid left by a worker that died before removing it: made again from scratch.
        await _engine.RunAsync(["pod", "rm", "--force", "--time", "0", "--ignore", name], cancellationToken).ConfigureAwait(false);
        var created = await _engine.RunAsync(PodmanArguments.CreatePod(request, _daemonId, name, request.ShareProcessNamespace), cancellationToken)
            .ConfigureAwait(false);
        if (!created.Succeeded) throw new SandboxException($"podman pod create: {created.Problem}");
        var started = await _engine.RunAsync(["pod", "start", name], cancellationToken).ConfigureAwait(false);
        if (!started.Succeeded)
        {
            await RemovePodAsync(name).ConfigureAwait(false);
            throw new SandboxException($"podman pod start: {started.Problem}");
        }
        if (request.HostNetwork) return new PodSandbox(request.PodIp, null, name);
        if (_rootless) return new PodSandbox(request.PodIp, null, name) { NetworkLimitation = RootlessNetwork };
        var infra = await PodmanContainerState.InspectAsync(_engine, EngineLabels.InfraName(name), cancellationToken).ConfigureAwait(false);
        if (infra is not { Pid: > 0 })
        {
            await RemovePodAsync(name).ConfigureAwait(false);
            throw new SandboxException("podman pod start: its infra container is not running");
        }
        return new PodSandbox(request.PodIp, infra.Pid, name);
    }

    public Task RemoveSandboxAsync(PodSandbox sandbox, CancellationToken cancellationToken) =>
        sandbox.Id is { } name ? RemovePodAsync(name) : Task.CompletedTask;

    private async Task RemovePodAsync(string name)
    {
        // The containers were stopped within their grace period already: what is left goes at once.
        var removed = await _engine.RunAsync(["pod", "rm", "--force", "--time", "0", "--ignore", name]).ConfigureAwait(false);
        if (!removed.Succeeded) LogRemoveFailed(_logger, name, removed.Problem);
    }

    public async Task<IContainerInstance> StartAsync(ContainerLaunch launch, CancellationToken cancellationToken)
    {
        var image = launch.Image ?? throw new ArgumentException("not an image container", nameof(launch));
        var pod = launch.Sandbox?.Id ?? throw new ArgumentException("an image container needs its pod's sandbox", nameof(launch));
        await _images.EnsureAsync(image.Image, image.PullPolicy, launch.Report, cancellationToken).ConfigureAwait(false);
        if (image.Security.RunAsNonRoot) await CheckNonRootAsync(launch, image, cancellationToken).ConfigureAwait(false);
        if (_rootless && (image.Limits.MemoryBytes is not null || image.Limits.Cpus is not null))
            launch.Report?.Invoke("Warning", "LimitsIgnored", RootlessLimits);

        // Unique per instance: a name still taken (its removal failed) fails the create, and the retry's instance has another.
        var name = EngineLabels.ContainerName(pod, launch.ContainerName, launch.Instance);
        var created = await _engine.RunAsync(PodmanArguments.CreateContainer(launch, _daemonId, name, pod, ContainerUlimits.OfThisProcess()), cancellationToken)
            .ConfigureAwait(false);
        if (!created.Succeeded) throw new ContainerCreateException(ContainerCreateException.CreateError, $"podman create: {created.Problem}");
        launch.Report?.Invoke("Normal", "Created", $"Created container {launch.ContainerName}");

        // init makes the container's process (runc create): a command the image lacks fails here, as a start error.
        var initialised = await _engine.RunAsync(["init", name], cancellationToken).ConfigureAwait(false);
        var state = initialised.Succeeded ? await PodmanContainerState.InspectAsync(_engine, name, cancellationToken).ConfigureAwait(false) : null;
        if (state is not { Pid: > 0 })
        {
            await _engine.RunAsync(["rm", "--force", "--time", "0", "--ignore", name]).ConfigureAwait(false);
            throw new ContainerStartException(initialised.Succeeded ? "the container has no process after podman init" : StartErrorMessage(initialised.Problem));
        }
        return Attach(launch, image, state);
    }

    /// <summary>Starts the initialised container with its output attached to its log.</summary>
    private PodmanContainer Attach(ContainerLaunch launch, ImageLaunch image, PodmanContainerState state)
    {
        FileSystem.Directories.Create(Path.GetDirectoryName(launch.LogPath)!, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        ContainerLogPump pump;
        try { pump = new ContainerLogPump(launch.LogPath, _output, launch.PodName, launch.ContainerName, _rotation, losses: _losses); }
        catch (IOException e) { throw new ContainerStartException($"cannot open its log file: {e.Message}", e); }
        var output = new AttachedOutput(pump);
        var attached = _engine.RunAsync(["start", "--attach", "--sig-proxy=false", state.Name], output.Stream(), output.Stream());
        var drained = attached.ContinueWith(_ => output.Complete(), TaskScheduler.Default);
        // Rootless, the container has no cgroup of its own: it is in the daemon's (whose memory counters are not its).
        var cgroup = _rootless ? null : EngineCgroup.OfProcess(state.Pid);
        var exec = new EngineExecContext(state.Pid, state.Environment, cgroup?.MemoryDirectory, image.Security.RunAsUser, image.Security.RunAsGroup,
            UserNamespace: _rootless);
        return new PodmanContainer(_engine, state, attached, drained, exec, cgroup, image.Limits.MemoryBytes is not null);
    }

    public Task<ExecResult> ExecAsync(IContainerInstance container, IReadOnlyList<string> command, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var engine = container as PodmanContainer ?? throw new ArgumentException("not a container of the podman runtime", nameof(container));
        return NsenterExec.RunAsync(engine.ExecContext, command, timeout, _time, cancellationToken);
    }

    /// <summary>k8s verifyRunAsNonRoot: a container that must not run as root is refused (CreateContainerConfigError)
    /// when its user is 0, or when it has none and the image's is root or a name that cannot be checked.</summary>
    private async Task CheckNonRootAsync(ContainerLaunch launch, ImageLaunch image, CancellationToken cancellationToken)
    {
        var where = $"(pod: \"{launch.PodName}_{launch.Namespace}({launch.PodUid})\", container: {launch.ContainerName})";
        if (image.Security.RunAsUser is { } uid)
        {
            if (uid == 0) throw new ContainerCreateException(ContainerCreateException.ConfigError, $"container's runAsUser breaks non-root policy {where}");
            return;
        }
        var inspected = await _engine.RunAsync(["image", "inspect", "--format", "{{.Config.User}}", image.Image], cancellationToken).ConfigureAwait(false);
        var user = inspected.FirstLine.Split(':')[0];
        if (user is "" or "0" or "root")
            throw new ContainerCreateException(ContainerCreateException.ConfigError, $"container has runAsNonRoot and image will run as root {where}");
        if (!long.TryParse(user, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out _))
            throw new ContainerCreateException(ContainerCreateException.ConfigError,
                $"container has runAsNonRoot and image has non-numeric user ({user}), cannot verify user is non-root {where}");
    }

    /// <summary>What a rootless image pod lacks, for its Warning event (and the README's Rootless paragraph).</summary>
    internal const string RootlessNetwork =
        "rootless podman: the daemon cannot enter this pod's network namespace (it belongs to podman's user namespace, and setns(2) " +
        "into a user namespace is refused to a multithreaded process): probes and Service upstreams reach its declared containerPorts " +
        "on the pod IP, and its containers are not given Services or the API";

    internal const string RootlessLimits =
        "rootless podman: resources.limits are ignored (its containers get no cgroup of their own without cgroup v2 delegation to the user)";

    /// <summary>runc's words for a command the image lacks, as the kubelet shows them (StartError).</summary>
    private static string StartErrorMessage(string problem) => problem.Replace("runc: runc create failed: ", "", StringComparison.Ordinal);

    [LoggerMessage(Level = LogLevel.Warning, Message = "podman: {Name} could not be removed: {Problem}")]
    private static partial void LogRemoveFailed(ILogger logger, string name, string problem);
}

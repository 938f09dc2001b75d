using Microsoft.Extensions.Logging;
using MiniKube.Sup.Logs;
using MiniKube.Sup.Processes;

namespace MiniKube.Sup.Runtime.Engine;

/// <summary>
/// Runs image pods under a container engine, podman or docker (what differs between them: <see cref="IEngineDialect"/>).
/// A pod's sandbox holds one network namespace, its containerPorts published on the pod's loopback address, its
/// hostname and /etc/hosts (a podman pod; a docker pause container); each container instance is an engine container
/// in it, pulled as its imagePullPolicy says, created from the Kubernetes fields (<see cref="ContainerArguments"/>),
/// given its process (a command the image does not have is a start error there), then attached: its output comes
/// into the daemon's log files as a host container's does (same rotation, same <c>sup logs -f</c> and
/// <c>--previous</c>), and the attach ends when the container does. Commands run in a container enter its namespaces
/// (<see cref="NsenterExec"/>). Everything is labelled with the daemon's id (<see cref="EngineLabels"/>), and
/// <see cref="EngineSweeper"/> removes what the daemon no longer wants. A daemon killed, or stopped with
/// --keep-running, leaves its containers running in the engine: the next one claims those its stored pods show
/// running (<see cref="ClaimAsync"/>) and adopts them with their sandboxes (<see cref="Adopt"/>).
/// </summary>
public sealed partial class EngineRuntime : IContainerRuntime
{
    private readonly IEngineDialect _dialect;
    private readonly EngineCommand _engine;
    private readonly string _daemonId;
    private readonly IContainerOutput _output;
    private readonly LogRotationOptions? _rotation;
    private readonly ContainerLogLosses? _losses;
    private readonly TimeProvider _time;
    private readonly ImagePuller _images;
    private readonly ILogger _logger;
    private readonly bool _rootless;
    private readonly EngineClaims _claims = new();
    private readonly EngineUseMark? _used;

    /// <param name="rootless">the daemon is not root (<see cref="EngineSelection.Rootless"/>): podman runs in a user
    /// namespace of its own, whose network namespaces the daemon cannot enter (setns(2) into a user namespace is refused
    /// to a multithreaded process, and a netns it owns cannot be entered without it), whose containers share the daemon's
    /// cgroup (no delegation: no limits, no cgroup of their own), and whose published ports are bound by the user
    /// (below net.ipv4.ip_unprivileged_port_start they are refused)</param>
    /// <param name="used">set before anything is made in the engine, so that a later start knows to sweep it</param>
    internal EngineRuntime(IEngineDialect dialect, string daemonId, IContainerOutput output, ILogger logger, LogRotationOptions? rotation = null,
        ContainerLogLosses? losses = null, TimeProvider? time = null, bool rootless = false, EngineUseMark? used = null)
    {
        _used = used;
        _rootless = rootless;
        _dialect = dialect;
        _engine = dialect.Command;
        _daemonId = daemonId;
        _output = output;
        _logger = logger;
        _rotation = rotation;
        _losses = losses;
        _time = time ?? TimeProvider.System;
        _images = new ImagePuller(dialect, _time);
    }

    /// <summary>Nothing is made in the engine before <paramref name="swept"/> (the start's sweep of what an earlier
    /// daemon left) is done: the sweep would take what is made meanwhile for a leftover.</summary>
    public void HoldUntil(Task swept) => _swept = swept;

    private Task _swept = Task.CompletedTask;

    public async Task<PodSandbox> CreateSandboxAsync(SandboxRequest request, CancellationToken cancellationToken)
    {
        await _swept.WaitAsync(cancellationToken).ConfigureAwait(false);
        if (MarkUsed() is { } unmarked) throw new SandboxException(unmarked);
        return await _dialect.CreateSandboxAsync(request, _daemonId, EngineLabels.PodName(_daemonId, request.Namespace, request.PodName, request.PodUid),
            cancellationToken).ConfigureAwait(false);
    }

    public Task RemoveSandboxAsync(PodSandbox sandbox, CancellationToken cancellationToken) =>
        sandbox.Id is { } name ? RemovePodAsync(name) : Task.CompletedTask;

    private async Task RemovePodAsync(string name)
    {
        // The containers were stopped within their grace period already: what is left goes at once.
        var removed = await _engine.RunAsync(_dialect.RemoveSandboxes([name])).ConfigureAwait(false);
        if (!removed.Succeeded) LogRemoveFailed(_logger, _dialect.Name, name, removed.Problem);
    }

    public async Task<IContainerInstance> StartAsync(ContainerLaunch launch, CancellationToken cancellationToken)
    {
        await _swept.WaitAsync(cancellationToken).ConfigureAwait(false);
        var image = launch.Image ?? throw new ArgumentException("not an image container", nameof(launch));
        var pod = launch.Sandbox?.Id ?? throw new ArgumentException("an image container needs its pod's sandbox", nameof(launch));
        await _images.EnsureAsync(image.Image, image.PullPolicy, launch.Report, cancellationToken).ConfigureAwait(false);
        if (image.Security.RunAsNonRoot) await CheckNonRootAsync(launch, image, cancellationToken).ConfigureAwait(false);
        if (_rootless && (image.Limits.MemoryBytes is not null || image.Limits.Cpus is not null))
            launch.Report?.Invoke("Warning", "LimitsIgnored", RootlessLimits);

        if (MarkUsed() is { } unmarked) throw new ContainerCreateException(ContainerCreateException.CreateError, unmarked);
        // Unique per instance: a name still taken (its removal failed) fails the create, and the retry's instance has another.
        var name = EngineLabels.ContainerName(pod, launch.ContainerName, launch.Instance);
        var created = await _engine.RunAsync(_dialect.CreateContainer(launch, _daemonId, name, pod, ContainerUlimits.OfThisProcess()), cancellationToken)
            .ConfigureAwait(false);
        if (!created.Succeeded) throw new ContainerCreateException(ContainerCreateException.CreateError, $"{_dialect.Name} create: {created.Problem}");
        launch.Report?.Invoke("Normal", "Created", $"Created container {launch.ContainerName}");

        // The container's process is made (runc create): a command the image lacks fails here, as a start error.
        var prepare = _dialect.Prepare(name);
        var prepared = await _engine.RunAsync(prepare, cancellationToken).ConfigureAwait(false);
        var state = await EngineContainerState.InspectAsync(_engine, name, cancellationToken).ConfigureAwait(false);
        if (!prepared.Succeeded || state is not { Started: true })
        {
            await _engine.RunAsync(_dialect.RemoveContainers([name])).ConfigureAwait(false);
            throw new ContainerStartException(prepared.Succeeded
                ? $"the container has no process after {_dialect.Name} {prepare[0]}"
                : _dialect.StartError(prepared, state));
        }
        try
        {
            return Follow(launch, image, state, _dialect.Attach(name));
        }
        catch (ContainerStartException)
        {
            // Its process exists (docker: runs) but its output has nowhere to go: it is not left behind.
            await _engine.RunAsync(_dialect.RemoveContainers([name])).ConfigureAwait(false);
            throw;
        }
    }

    /// <returns>null, or why the mark cannot be written: then nothing is to be made, that a crash could leave unswept</returns>
    private string? MarkUsed()
    {
        try
        {
            _used?.Set();
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $"cannot note in the state dir that the engine is used: {e.Message}";
        }
    }

    /// <summary>Takes back an instance an earlier daemon started and this one claimed (<see cref="ClaimAsync"/>): its
    /// output is followed from the engine's own log, from the time of the last line in the daemon's log on, so that
    /// what it wrote while no daemon ran is logged now, once; its exit is the engine's to tell, as for any instance.
    /// A claimed instance that cannot be taken back is removed (its pod starts another).</summary>
    public IContainerInstance? Adopt(ContainerLaunch launch, int pid)
    {
        if (launch.Image is not { } image || launch.Sandbox?.Id is not { } pod) return null;
        var name = EngineLabels.ContainerName(pod, launch.ContainerName, launch.Instance);
        if (!_claims.TakeContainer(name, out var state)) return null;
        try
        {
            if (state.Pid != pid) throw new ContainerStartException($"its main process is {state.Pid}, not {pid}");
            return Follow(launch, image, state, _dialect.Follow(name, Logs.CriTail.LastTime(launch.LogPath)));
        }
        catch (Exception e) when (e is ContainerStartException or IOException or UnauthorizedAccessException)
        {
            LogNotAdopted(_logger, name, e.Message);
            _ = _engine.RunAsync(_dialect.RemoveContainers([name]));
            return null;
        }
    }

    /// <summary>The pod's sandbox as the earlier daemon left it, if <see cref="ClaimAsync"/> found it running with a
    /// container to adopt: its network namespace, hence its published ports and its containers' connections, stay.</summary>
    public PodSandbox? AdoptSandbox(SandboxRequest request)
    {
        var name = EngineLabels.PodName(_daemonId, request.Namespace, request.PodName, request.PodUid);
        return _claims.TakeSandbox(name, out var holderPid) ? _dialect.AdoptSandbox(request, name, holderPid) : null;
    }

    /// <summary>The sandbox's hosts file: the holder's (podman's infra container, docker's pause container), which
    /// the pod's containers share. podman and docker both name it HostsPath.</summary>
    public async Task<string?> HostsFileAsync(PodSandbox sandbox, CancellationToken cancellationToken)
    {
        if (sandbox.Id is not { } name) return null;
        var inspected = await _engine.RunAsync(["inspect", "--format", "{{.HostsPath}}", _dialect.SandboxHolder(name)], cancellationToken).ConfigureAwait(false);
        return inspected.Succeeded && inspected.FirstLine.Trim() is { Length: > 0 } path && Path.IsPathRooted(path) ? path : null;
    }

    /// <summary>At start, before the sweep: which of the containers stored pods show running (<paramref name="candidates"/>)
    /// the engine still runs, in a sandbox that still runs, as this daemon's (named by its id, and by the pod, its uid,
    /// the container and its instance; the containerID is the engine's own for that one container). Those are kept
    /// for their pods to adopt (<see cref="Adopt"/>, <see cref="AdoptSandbox"/>), and out of the sweep
    /// (<see cref="Kept"/>). The engine commands a killed daemon left following them go first.</summary>
    public async Task<IReadOnlyList<AdoptedInstance>> ClaimAsync(IReadOnlyList<AdoptionCandidate> candidates, CancellationToken cancellationToken = default)
    {
        var orphans = EngineFollowers.KillOrphans(_engine.Executable, _daemonId);
        if (orphans.Count > 0) LogOrphanFollowers(_logger, _dialect.Name, string.Join(", ", orphans));
        var adopted = new List<AdoptedInstance>();
        var scheme = _dialect.Name + "://";
        foreach (var pod in candidates.GroupBy(c => c.PodUid, StringComparer.Ordinal))
        {
            var first = pod.First();
            var sandbox = EngineLabels.PodName(_daemonId, first.Namespace, first.Pod, first.PodUid);
            var holder = await EngineContainerState.InspectAsync(_engine, _dialect.SandboxHolder(sandbox), cancellationToken).ConfigureAwait(false);
            if (holder is not { Running: true, Pid: > 0 })
            {
                LogNotAdopted(_logger, sandbox, "its sandbox is not running");
                continue;
            }
            foreach (var candidate in pod)
            {
                if (!candidate.ContainerId.StartsWith(scheme, StringComparison.Ordinal)) continue;
                var id = candidate.ContainerId[scheme.Length..];
                var state = await EngineContainerState.InspectAsync(_engine, id, cancellationToken).ConfigureAwait(false);
                var prefix = EngineLabels.ContainerName(sandbox, candidate.Container, 0)[..^1];
                if (state is not { Running: true, Pid: > 0 } || state.Id != id || !state.Name.StartsWith(prefix, StringComparison.Ordinal)
                    || !int.TryParse(state.Name.AsSpan(prefix.Length), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var instance))
                    continue;
                _claims.Add(sandbox, holder.Pid, state);
                adopted.Add(new AdoptedInstance(candidate.Pod, candidate.PodUid, candidate.Container, instance,
                    $"{_daemonId}/{candidate.Pod}/{candidate.PodUid}/{candidate.Container}/{instance.ToString(System.Globalization.CultureInfo.InvariantCulture)}", state.Pid));
            }
        }
        return adopted;
    }

    /// <summary>What <see cref="ClaimAsync"/> kept: the names of the containers and sandboxes the sweep must leave.</summary>
    public IReadOnlySet<string> Kept => _claims.Names(_dialect);

    /// <summary>Follows the container's output into its log with <paramref name="command"/> (podman's attach starts the
    /// initialised container; a follow of the engine's log, an adopted one's).</summary>
    private EngineContainer Follow(ContainerLaunch launch, ImageLaunch image, EngineContainerState state, IReadOnlyList<string> command)
    {
        FileSystem.Directories.Create(Path.GetDirectoryName(launch.LogPath)!, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        ContainerLogPump pump;
        try { pump = new ContainerLogPump(launch.LogPath, _output, launch.PodName, launch.ContainerName, _rotation, losses: _losses, @namespace: launch.Namespace); }
        catch (IOException e) { throw new ContainerStartException($"cannot open its log file: {e.Message}", e); }
        // Its stdin and terminal are the engine's: attach follows its output only (and says so to an attach -i of a
        // container that declares stdin or tty; one that does not gets no input, as in Kubernetes).
        var streams = new ContainerStreams(null, stdinOnce: false, tty: false)
        {
            StdinUnavailable = launch.Stdio.Stdin || launch.Stdio.Tty ? StdinUnavailable : null,
        };
        var output = new AttachedOutput(pump, streams);
        var following = new CancellationTokenSource();
        var attached = _engine.RunAsync(command, output.Stream(stderr: false), output.Stream(stderr: true), following.Token);
        var drained = attached.ContinueWith(_ => output.Complete(), TaskScheduler.Default);
        // Rootless, the container has no cgroup of its own: it is in the daemon's (whose memory counters are not its).
        var cgroup = _rootless ? null : EngineCgroup.OfProcess(state.Pid);
        var exec = new EngineExecContext(state.Pid, state.Environment, cgroup?.MemoryDirectory, image.Security.RunAsUser, image.Security.RunAsGroup,
            UserNamespace: _rootless);
        return new EngineContainer(_dialect, state, attached, drained, exec, cgroup, image.Limits.MemoryBytes is not null, following) { Streams = streams };
    }

    public Task<ExecResult> ExecAsync(IContainerInstance container, IReadOnlyList<string> command, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var engine = container as EngineContainer ?? throw new ArgumentException($"not a container of the {_dialect.Name} runtime", nameof(container));
        return NsenterExec.RunAsync(engine.ExecContext, command, timeout, _time, cancellationToken);
    }

    public ExecTarget ExecTarget(IContainerInstance container, IReadOnlyList<string> command)
    {
        var engine = container as EngineContainer ?? throw new ArgumentException($"not a container of the {_dialect.Name} runtime", nameof(container));
        return NsenterExec.Target(engine.ExecContext, command);
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

    /// <summary>Why kubectl attach -i cannot reach an image container's stdin.</summary>
    internal const string StdinUnavailable =
        "the stdin of an image container is not attached by sup (the engine holds it; stdin and tty are not given to image containers): kubectl attach follows its output only";

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Name} is not adopted: {Why}")]
    private static partial void LogNotAdopted(ILogger logger, string name, string why);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Engine}: killed the commands an earlier run left following its containers: {Pids}")]
    private static partial void LogOrphanFollowers(ILogger logger, string engine, string pids);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Engine}: {Name} could not be removed: {Problem}")]
    private static partial void LogRemoveFailed(ILogger logger, string engine, string name, string problem);
}

using System.Collections;
using Microsoft.Extensions.Logging;
using MiniKube.Sup.Api;
using MiniKube.Sup.Controllers;
using MiniKube.Sup.Desired;
using MiniKube.Sup.Events;
using MiniKube.Sup.Networking;
using MiniKube.Sup.Pods;
using MiniKube.Sup.Processes;
using MiniKube.Sup.Runtime;
using MiniKube.Sup.Runtime.Engine;
using MiniKube.Sup.Services;
using MiniKube.Sup.Spec;
using MiniKube.Sup.Store;
using MiniKube.Sup.Volumes;

namespace MiniKube.Sup;

/// <summary>
/// The engine behind `sup run`, wired the kubelet's way: the manifest files and API clients write the store (through
/// the desired state); controllers and the pod agent subscribe to it; the API serves it. Start opens the store,
/// sweeps what an earlier run with the same state dir left running, applies the files, then starts the pod agent,
/// the controllers and the garbage collector; stop terminates every pod in parallel and leaves the objects stored.
/// </summary>
public sealed partial class Supervisor : IAsyncDisposable
{
    private readonly SupervisorOptions _options;
    private readonly ManifestLoadResult _manifests;
    private readonly ILogger _logger;
    private readonly EventRecorder _events;
    private readonly GarbageCollector _collector;
    private readonly Lock _reloadGate = new();
    private readonly TimeProvider _time;
    private readonly PodAddressLease _addresses;
    private readonly EngineRuntime? _engineRuntime;
    private readonly EngineUseMark _engineUsed;

    public Supervisor(SupervisorOptions options, ManifestLoadResult manifests, TimeProvider time, IContainerOutput output, ILoggerFactory loggers)
    {
        _options = options;
        _manifests = manifests;
        _logger = loggers.CreateLogger("sup");
        _time = time;
        Paths = new StatePaths(options.StateDir);
        _engineUsed = new EngineUseMark(Paths.EngineUsedFile);
        // The database and the pod addresses first: a start that fails on either leaves nothing made (the
        // process tracking makes cgroups).
        // The kernel's Service rules before anything else: the table a killed daemon left goes now, and a start that
        // asked for them where they cannot be made fails having made nothing.
        // The container engine is asked first (podman version: ~0.2 s), and answers while the rest is opened; a start
        // that fails waits for its answer, so that it leaves no command of its own running.
        var detecting = EngineSelection.DetectAsync(options.ContainerEngine);
        KernelForwarding? kernel;
        string userspace;
        try
        {
            kernel = OpenKernelForwarding(options.ServiceProxy, Paths.DaemonId, out userspace);
        }
        catch
        {
            Settle(detecting);
            throw;
        }
        var opening = System.Diagnostics.Stopwatch.StartNew();
        try
        {
            Store = ObjectStore.Open(Path.Combine(Paths.Root, "sup.db"), time, _logger);
        }
        catch
        {
            kernel?.Dispose();
            Settle(detecting);
            throw;
        }
        LogStoreLoaded(_logger, Store.Count, opening.ElapsedMilliseconds);
        try
        {
            _addresses = PodAddressLease.Claim(options.PodCidr, StoredPodBlock(Store));
        }
        catch
        {
            kernel?.Dispose();
            Store.Dispose();
            Settle(detecting);
            throw;
        }
        Tracking = ProcessTracking.Detect(Paths.DaemonId);
        _events = new EventRecorder(Store, logger: _logger);
        _events.Recorded += LogEvent;
        var environment = ServiceLinkedEnvironment.Over(Store, InheritedEnvironment(), api: options.ApiEndPoint);
        var losses = new ContainerLogLosses(_logger, time);
        Networks = new PodNetworks();
        // Found once, before anything runs.
        Engine = detecting.GetAwaiter().GetResult();
        _engineRuntime = Engine.Dialect is { } dialect
            ? new EngineRuntime(dialect, Paths.DaemonId, output, _logger, options.LogRotation, losses, time, Engine.Rootless, _engineUsed)
            : null;
        IContainerRuntime engine = _engineRuntime is not null ? _engineRuntime : new NoEngine(Engine.Problem ?? "none");
        var runtimes = new PodRuntimes(new HostProcessRuntime(output, options.LogRotation, losses, Tracking), engine);
        var context = new PodWorkerContext(runtimes, time, _events, Paths, options.Backoff, environment, _logger)
        {
            Config = new StoreConfigSource(Store),
            ImageEnvironment = ServiceLinkedEnvironment.Over(Store, new Dictionary<string, string>(), isolated: true, api: options.ApiEndPoint),
            HostEntries = ns => ServiceHostEntries(ns, isolated: true),
            HostPodEntries = ns => ServiceHostEntries(ns, isolated: false),
            ServiceAccount = ns => options.ServiceAccounts is { } accounts ? new ServiceAccountFiles(accounts.Issue(ns), accounts.CaPem) : null,
            Networks = Networks,
            Metrics = Metrics,
            PodAddresses = _addresses.Range,
        };
        ServiceProxies = new ServiceProxies(_logger, Networks, time, options.ApiEndPoint, _addresses.Range, kernel, userspace);
        LogServiceForwarding(_logger, kernel?.Description ?? $"user space ({userspace})");
        Pods = new PodAgent(Store, context, ServiceProxies);
        Desired = new DesiredState(Store, _logger);
        _devLoop = new DevLoop.RestartOnChange(Store, time, Environment.CurrentDirectory, _logger);
        _collector = new GarbageCollector(Store, _logger);
        var controllers = new ControllerContext(Store, new PodControl(Store), time, _events, Paths, _logger) { Metrics = Metrics };
        Controllers = new ControllerManager(controllers,
        [
            new DaemonSetController(controllers),
            new DeploymentController(controllers),
            new ReplicaSetController(controllers),
            new ReplicationControllerController(controllers),
            new StatefulSetController(controllers),
            new ServiceController(controllers, ServiceProxies),
            new JobController(controllers, options.JobBackoff),
            new CronJobController(controllers),
            new NamespaceController(controllers),
            new ClaimController(controllers),
        ]);
        ProcessView = new ProcessViewService(Pods);
        Api = new KubeApi(Store, Desired, new PodLogs(Store, Pods, Paths), time, Version)
        {
            Exec = new PodExec(Pods, runtimes),
            PortForward = new PodPortForward(Pods),
            Attach = new PodAttach(Pods),
        };
        MetricsEndpoint = new MetricsEndpoint(Store, Metrics);
        PodMetrics = new Api.ResourceMetrics.PodMetricsApi(Store, new Api.ResourceMetrics.PodUsage(Pods, time));
    }

    /// <summary>Waits for a task whose result is no longer wanted.</summary>
    private static void Settle(Task task)
    {
        try { task.Wait(); }
        catch (AggregateException) { /* its result is not wanted */ }
    }

    /// <summary>The kernel forwarding of Services that <paramref name="mode"/> asks for, where it can be made; null, with
    /// why Services are forwarded in user space instead.</summary>
    /// <exception cref="IOException">--service-proxy kernel, and the kernel forwarding cannot be made here</exception>
    private static KernelForwarding? OpenKernelForwarding(ServiceProxyMode mode, string daemonId, out string userspace)
    {
        if (mode == ServiceProxyMode.Userspace)
        {
            userspace = "--service-proxy userspace";
            KernelForwarding.RemoveStale(daemonId);
            return null;
        }
        var kernel = KernelForwarding.TryOpen(daemonId, out var why);
        if (kernel is null && mode == ServiceProxyMode.Kernel)
            throw new IOException($"--service-proxy kernel: Services cannot be forwarded in the kernel here: {why}");
        userspace = why;
        return kernel;
    }

    /// <summary>What the daemon measures as it works (probes, CronJob lateness, Job durations), for /metrics.</summary>
    public Metrics.SupMetrics Metrics { get; } = new();

    /// <summary>GET /metrics.</summary>
    public MetricsEndpoint MetricsEndpoint { get; }

    /// <summary>metrics.k8s.io: kubectl top pod, sup top --pods.</summary>
    public Api.ResourceMetrics.PodMetricsApi PodMetrics { get; }

    public static string Version { get; set; } = "0.0.0";

    /// <summary>The loopback addresses this daemon gives its pods (held against other daemons on the host).</summary>
    public PodAddressRange PodAddresses => _addresses.Range;

    public StatePaths Paths { get; }

    public ObjectStore Store { get; }

    public PodAgent Pods { get; }

    /// <summary>sup.minikube.io/restart-on-change: restarts what watched files name when they change.</summary>
    private readonly DevLoop.RestartOnChange _devLoop;

    public DesiredState Desired { get; }

    public ControllerManager Controllers { get; }

    public ServiceProxies ServiceProxies { get; }

    /// <summary>Every pod's network: which pods have a namespace of their own, and how to reach into it.</summary>
    public PodNetworks Networks { get; }

    public KubeApi Api { get; }

    public ProcessViewService ProcessView { get; }

    /// <summary>The container engine that runs image pods, or why there is none.</summary>
    public EngineSelection Engine { get; }

    /// <summary>How the containers' processes are held: cgroups, or process groups and owner marks.</summary>
    public ProcessTracking Tracking { get; }

    public async Task StartAsync()
    {
        ChildReaper.Shared.EnsureStarted();
        if (!ChildReaper.Shared.IsSubreaper) LogNotSubreaper(_logger);
        // A daemon SIGKILLed while a new process waited at its spawn gate left it waiting for ever: it ends now.
        if (SpawnGate.ReleaseAbandoned() is > 0 and var released) LogReleasedSpawns(_logger, released);
        LogProcessTracking(_logger, Tracking.Description);
        LogDescriptorLimit(_logger, DescriptorLimit.Raise().ToString());
        // What an earlier daemon left running (it was killed, or stopped with --keep-running) is taken back where its
        // pod's stored status vouches for it; the rest is killed, and its pods start it again.
        // After a normal stop every pod was stopped by the daemon itself: they start afresh, as they always did.
        var stoppedCleanly = File.Exists(Paths.StoppedFile);
        File.Delete(Paths.StoppedFile);
        var adopted = stoppedCleanly ? [] : ContainerAdoption.Find(Store, Paths.DaemonId);
        var leftovers = await Tracking.KillLeftoversAsync(_time, adopted).ConfigureAwait(false);
        if (leftovers.Count > 0) LogLeftovers(_logger, leftovers.Count, string.Join(", ", leftovers));
        LogEngine(_logger, Engine.Description);
        LogPodAddresses(_logger, _addresses.Range.ToString());
        // Image containers the same way, in the engine: claimed first, then the sweep removes the rest (before any
        // pod makes a sandbox, which the sweep would take for a leftover).
        // The sweep runs while host pods start (a podman listing costs more than starting a hundred host processes):
        // the engine runtime holds every sandbox and container it is asked for until the sweep is done.
        // Nothing to claim or sweep where no daemon of this state dir made anything in the engine (no pod of an
        // earlier build's state either): a daemon of host pods never lists the engine.
        var swept = EngineMayHoldOurs();
        var images = stoppedCleanly || !swept ? [] : await ClaimEngineContainersAsync().ConfigureAwait(false);
        _startSweep = swept ? SweepEngineAsync(_engineRuntime?.Kept) : Task.CompletedTask;
        _engineRuntime?.HoldUntil(_startSweep);
        adopted = [.. adopted, .. images];
        if (adopted.Count > 0) LogAdopting(_logger, adopted.Count, string.Join(", ", adopted.Select(a => $"{a.Pod}/{a.Container} (pid {a.Pid})")));
        if (!stoppedCleanly) Pods.Adopt(adopted);
        LogStarting(_logger, _manifests.Objects.Count, Paths.Root);
        // The files first, so that the first look of every subscriber sees what they ask for.
        Desired.EnsureNamespace(ObjectKey.DefaultNamespace);
        Desired.ApplyFiles(_manifests);
        // Logs of pods that went, with their owners, while no daemon ran.
        PodLogRetention.Sweep(Paths, Store);
        _collector.Start();
        Pods.Start();
        Controllers.Start();
        _devLoop.Start();
    }

    /// <summary>Re-reads the manifest files (SIGHUP): only what changed is touched; a file with errors changes
    /// nothing.</summary>
    public ManifestLoadResult Reload()
    {
        lock (_reloadGate)
        {
            var loaded = ManifestLoader.LoadFiles(_options.Files);
            if (!loaded.Succeeded)
            {
                foreach (var error in loaded.Errors) LogReloadError(_logger, error.ToString());
                LogReloadRejected(_logger, loaded.Errors.Count);
                return loaded;
            }
            Desired.ApplyFiles(loaded);
            return loaded;
        }
    }

    /// <summary>The engine sweep of the start, which runs on while host pods start.</summary>
    private Task _startSweep = Task.CompletedTask;

    /// <summary>Set once a stop with --keep-running has let go of the pods: nothing of theirs is to be released.</summary>
    private bool _leftRunning;

    /// <summary>Stops every pod; with <see cref="SupervisorOptions.KeepRunning"/> (an upgrade), their containers are
    /// left running instead, for the next daemon on this state dir to adopt: host containers with their cgroups, named
    /// pipes and volumes, image containers in the engine with their pods' sandboxes.</summary>
    public async Task StopAsync()
    {
        var keepRunning = _options.KeepRunning;
        LogStopping(_logger);
        await _devLoop.DisposeAsync().ConfigureAwait(false);
        await Controllers.DisposeAsync().ConfigureAwait(false); // nothing new is created while pods stop
        await _collector.DisposeAsync().ConfigureAwait(false);
        await ServiceProxies.DisposeAsync().ConfigureAwait(false);
        await _startSweep.ConfigureAwait(false);
        if (keepRunning)
        {
            await Pods.LeaveRunningAsync().ConfigureAwait(false);
            await ReleaseRootlessPauseAsync().ConfigureAwait(false);
            _leftRunning = true;
            LogLeftRunning(_logger);
            return;
        }
        await Pods.StopAllAsync().ConfigureAwait(false);
        await Tracking.ReleaseAsync(_time).ConfigureAwait(false);
        if (EngineMayHoldOurs() && await SweepEngineAsync().ConfigureAwait(false)) _engineUsed.Clear();
        await ReleaseRootlessPauseAsync().ConfigureAwait(false);
        if (Engine.Rootless) ChildReaper.Shared.ReapZombiesNamed(RootlessPause.Helpers);
        ChildReaper.Shared.ReapAllZombies();
        // The next start need not resume anything: every pod's containers were stopped here.
        try { File.WriteAllText(Paths.StoppedFile, ""); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { /* the next start resumes them as lost: a restart counted */ }
        LogStopped(_logger);
    }

    public async ValueTask DisposeAsync()
    {
        await _devLoop.DisposeAsync().ConfigureAwait(false);
        await Controllers.DisposeAsync().ConfigureAwait(false);
        await _collector.DisposeAsync().ConfigureAwait(false);
        await Pods.DisposeAsync().ConfigureAwait(false);
        // A start that failed before StartAsync made the tree too; a stop with --keep-running leaves it to the next start.
        if (!_leftRunning) await Tracking.ReleaseAsync(_time).ConfigureAwait(false);
        await ServiceProxies.DisposeAsync().ConfigureAwait(false);
        await _events.DisposeAsync().ConfigureAwait(false);
        Store.Dispose();
        _addresses.Dispose();
    }

    /// <summary>The block of 127.0.0.0/8 the pods stored here were given last (most of them), so that a restarted
    /// daemon takes the same one if it is free.</summary>
    private static int? StoredPodBlock(ObjectStore store) =>
        store.List(Kinds.Pod.Kind).Select(e => (e.Object as k8s.Models.V1Pod)?.Status?.PodIP)
            .Select(ip => System.Net.IPAddress.TryParse(ip, out var a) && a.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork && a.GetAddressBytes() is [127, var block, ..] && !(block == 0 && PodAddressRange.HostAddresses.Contains(a)) ? block : (int?)null)
            .Where(b => b is not null)
            .GroupBy(b => b)
            .OrderByDescending(g => g.Count())
            .Select(g => g.Key)
            .FirstOrDefault();

    /// <summary>The image containers an earlier daemon left running that stored pods vouch for, and the engine still
    /// runs (<see cref="EngineRuntime.ClaimAsync"/>).</summary>
    private async Task<IReadOnlyList<AdoptedInstance>> ClaimEngineContainersAsync()
    {
        if (_engineRuntime is null || ContainerAdoption.ImageCandidates(Store) is not { Count: > 0 } candidates) return [];
        try
        {
            return await _engineRuntime.ClaimAsync(candidates).ConfigureAwait(false);
        }
        catch (EngineException e)
        {
            LogEngineSweepFailed(_logger, e.Message);
            return [];
        }
    }

    /// <summary>Whether this daemon, or an earlier one on this state dir, may have made pods or containers in the
    /// engine: the mark says so, or a stored pod runs there (a state dir of a build before the mark).</summary>
    private bool EngineMayHoldOurs() =>
        _engineUsed.IsSet || Store.List(Kinds.Pod.Kind).Any(e => e.Object is k8s.Models.V1Pod pod && Spec.ImagePods.RunInEngine(pod.Metadata, pod.Spec));

    /// <summary>Removes every pod and container this daemon made in the engine (by its label): at start what a crash
    /// left, but <paramref name="keep"/> (what it adopts), at the end what a stop missed. Never another daemon's.</summary>
    /// <returns>whether the engine was listed and what was found removed</returns>
    private async Task<bool> SweepEngineAsync(IReadOnlySet<string>? keep = null)
    {
        if (Engine.Dialect is not { } engine) return false;
        try
        {
            var removed = await new EngineSweeper(engine, Paths.DaemonId).SweepAsync(keep).ConfigureAwait(false);
            if (removed.Count > 0) LogEngineLeftovers(_logger, removed.Count, string.Join(", ", removed));
            return true;
        }
        catch (EngineException e)
        {
            LogEngineSweepFailed(_logger, e.Message);
            return false;
        }
    }

    /// <summary>Rootless: the pause process podman started for this daemon's commands goes with the daemon (it
    /// would outlive it, holding podman's user namespace), unless it was there before or the user still has
    /// containers.</summary>
    private async Task ReleaseRootlessPauseAsync()
    {
        if (Engine is not { Pause: { } pause, Command: { } engine }) return;
        try
        {
            var ended = await pause.ReleaseAsync(engine).ConfigureAwait(false);
            if (ended.Count > 0) LogPauseEnded(_logger, string.Join(", ", ended));
        }
        catch (EngineException e)
        {
            LogEngineSweepFailed(_logger, e.Message);
        }
    }

    /// <summary>An image pod's /etc/hosts entries for the Services it is given (see <see cref="ServiceHostNames"/>).</summary>
    /// <remarks>Every pod asks once as it starts: with no Service there is nothing to list (the pods are listed, and sorted, only
    /// where a headless Service may name some).</remarks>
    private IReadOnlyList<HostEntry> ServiceHostEntries(string podNamespace, bool isolated)
    {
        var services = Store.List(Kinds.Service.Kind);
        if (services.Count == 0) return [];
        var all = services.Select(e => e.Object).OfType<k8s.Models.V1Service>().ToList();
        return ServiceHostNames.For(podNamespace, all, isolated,
                ServiceHostNames.AnyHeadless(all) ? Store.List(Kinds.Pod.Kind).Select(e => e.Object).OfType<k8s.Models.V1Pod>() : null)
            .Select(e => new HostEntry(e.Name, e.Address.ToString()))
            .ToList();
    }

    /// <summary>A host process inherits the daemon's environment (SPEC §2), less our own owner mark.</summary>
    private static Dictionary<string, string> InheritedEnvironment()
    {
        var env = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (DictionaryEntry e in Environment.GetEnvironmentVariables()) env[(string)e.Key] = (string?)e.Value ?? "";
        env.Remove(ContainerProcesses.OwnerVariable);
        return env;
    }

    private void LogEvent(SupEvent e)
    {
        var container = e.FieldPath is { } f && f.IndexOf('{') is var i and >= 0 ? $" [{f[(i + 1)..^1]}]" : "";
        if (e.Type == SupEvent.Warning) LogWarningEvent(_logger, e.ObjectKind, e.ObjectName, container, e.Reason, e.Message);
        else LogNormalEvent(_logger, e.ObjectKind, e.ObjectName, container, e.Reason, e.Message);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Kind}/{Name}{Container} {Reason}: {Message}")]
    private static partial void LogNormalEvent(ILogger logger, string kind, string name, string container, string reason, string message);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Kind}/{Name}{Container} {Reason}: {Message}")]
    private static partial void LogWarningEvent(ILogger logger, string kind, string name, string container, string reason, string message);

    [LoggerMessage(Level = LogLevel.Information, Message = "Services are forwarded in {Forwarding}")]
    private static partial void LogServiceForwarding(ILogger logger, string forwarding);

    [LoggerMessage(Level = LogLevel.Information, Message = "starting: {Count} object(s) from the manifest files, state in {StateDir}")]
    private static partial void LogStarting(ILogger logger, int count, string stateDir);

    [LoggerMessage(Level = LogLevel.Information, Message = "processes: {Tracking}")]
    private static partial void LogProcessTracking(ILogger logger, string tracking);

    [LoggerMessage(Level = LogLevel.Information, Message = "processes: {Limit}")]
    private static partial void LogDescriptorLimit(ILogger logger, string limit);

    [LoggerMessage(Level = LogLevel.Information, Message = "adopting {Count} container(s) an earlier run left running: {Containers}")]
    private static partial void LogAdopting(ILogger logger, int count, string containers);

    [LoggerMessage(Level = LogLevel.Information, Message = "stopped with --keep-running: containers are left running for the next start on this state dir to adopt")]
    private static partial void LogLeftRunning(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "ended {Count} process(es) a daemon that is gone left waiting to start (they did not run)")]
    private static partial void LogReleasedSpawns(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "killed {Count} process(es) left behind by an earlier run: {Pids}")]
    private static partial void LogLeftovers(ILogger logger, int count, string pids);

    [LoggerMessage(Level = LogLevel.Information, Message = "rootless podman: its pause process {Pids} ended")]
    private static partial void LogPauseEnded(ILogger logger, string pids);

    [LoggerMessage(Level = LogLevel.Information, Message = "state: {Count} object(s) loaded in {Milliseconds} ms")]
    private static partial void LogStoreLoaded(ILogger logger, int count, long milliseconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "pod addresses: {Range}")]
    private static partial void LogPodAddresses(ILogger logger, string range);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Engine}")]
    private static partial void LogEngine(ILogger logger, string engine);

    [LoggerMessage(Level = LogLevel.Warning, Message = "removed {Count} engine pod(s) and container(s) this daemon had left: {Names}")]
    private static partial void LogEngineLeftovers(ILogger logger, int count, string names);

    [LoggerMessage(Level = LogLevel.Warning, Message = "could not list what this daemon left in the container engine: {Problem}")]
    private static partial void LogEngineSweepFailed(ILogger logger, string problem);

    [LoggerMessage(Level = LogLevel.Warning, Message = "prctl(PR_SET_CHILD_SUBREAPER) failed: daemonizing processes will be tracked by their owner mark only")]
    private static partial void LogNotSubreaper(ILogger logger);

    [LoggerMessage(Level = LogLevel.Error, Message = "reload: {Error}")]
    private static partial void LogReloadError(ILogger logger, string error);

    [LoggerMessage(Level = LogLevel.Error, Message = "reload rejected: {Count} error(s) in the manifest files; nothing was changed")]
    private static partial void LogReloadRejected(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "stopping: terminating all pods")]
    private static partial void LogStopping(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "all pods stopped")]
    private static partial void LogStopped(ILogger logger);
}

using System.Collections;
using k8s.Models;
using Microsoft.Extensions.Logging;
using MiniKube.Sup.Events;
using MiniKube.Sup.Pods;
using MiniKube.Sup.Processes;
using MiniKube.Sup.Runtime;
using MiniKube.Sup.Spec;

namespace MiniKube.Sup;

/// <summary>
/// The engine behind `sup run`: takes the loaded manifests, sweeps what an earlier run with the same state dir
/// left behind, and hands pod objects to the pod agent. Stopping terminates every pod in parallel.
/// </summary>
public sealed partial class Supervisor
{
    private readonly ManifestLoadResult _manifests;
    private readonly ILogger _logger;

    public Supervisor(SupervisorOptions options, ManifestLoadResult manifests, TimeProvider time, IContainerOutput output, ILoggerFactory loggers)
    {
        _manifests = manifests;
        _logger = loggers.CreateLogger("sup");
        Paths = new StatePaths(options.StateDir);
        Events.Recorded += LogEvent;
        var context = new PodWorkerContext(new HostProcessRuntime(output), time, Events, Paths, options.Backoff, InheritedEnvironment(), _logger);
        Pods = new PodAgent(context);
    }

    public StatePaths Paths { get; }

    public EventLog Events { get; } = new();

    public PodAgent Pods { get; }

    public void Start()
    {
        ChildReaper.Shared.EnsureStarted();
        if (!ChildReaper.Shared.IsSubreaper) LogNotSubreaper(_logger);
        var leftovers = OrphanSweeper.KillLeftovers(Paths.DaemonId);
        if (leftovers.Count > 0) LogLeftovers(_logger, leftovers.Count, string.Join(", ", leftovers.Select(p => p.Pid)));
        LogStarting(_logger, _manifests.Objects.Count, Paths.Root);
        foreach (var o in _manifests.Objects)
        {
            switch (o.Model)
            {
                case V1Pod pod:
                    Pods.Run(pod);
                    break;
                case V1ConfigMap or V1Secret:
                    break;
                default:
                    LogKindNotRunYet(_logger, o.Ref);
                    break;
            }
        }
    }

    public async Task StopAsync()
    {
        LogStopping(_logger);
        await Pods.StopAllAsync().ConfigureAwait(false);
        ChildReaper.Shared.ReapAllZombies();
        LogStopped(_logger);
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

    [LoggerMessage(Level = LogLevel.Information, Message = "starting {Count} object(s), state in {StateDir}")]
    private static partial void LogStarting(ILogger logger, int count, string stateDir);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Object}: this version runs Pods only; workload controllers are not available yet, so it is not started")]
    private static partial void LogKindNotRunYet(ILogger logger, string @object);

    [LoggerMessage(Level = LogLevel.Warning, Message = "killed {Count} process(es) left behind by an earlier run: {Pids}")]
    private static partial void LogLeftovers(ILogger logger, int count, string pids);

    [LoggerMessage(Level = LogLevel.Warning, Message = "prctl(PR_SET_CHILD_SUBREAPER) failed: daemonizing processes will be tracked by their owner mark only")]
    private static partial void LogNotSubreaper(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "stopping: terminating all pods")]
    private static partial void LogStopping(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "all pods stopped")]
    private static partial void LogStopped(ILogger logger);
}

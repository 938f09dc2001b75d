using k8s.Models;
using Microsoft.Extensions.Logging;
using MiniKube.Sup.Events;
using MiniKube.Sup.Networking;
using MiniKube.Sup.Runtime;

namespace MiniKube.Sup.Pods;

/// <summary>The pod worker's sandbox (k8s RunPodSandbox): made once, before the pod's first container (after its
/// volumes), on the runtime that runs its containers; removed once the worker has nothing left running. While it
/// cannot be made the containers wait in ContainerCreating with the reason, a FailedCreatePodSandBox event says why,
/// and it is tried again, unless trying again cannot help (no engine).</summary>
public sealed partial class PodWorker
{
    private volatile PodSandbox? _sandbox;
    private IDisposable? _network;
    private Task<PodSandbox>? _sandboxCreation;
    private bool _sandboxBlocked;

    /// <summary>The pod's sandbox once made (its network namespace, for the daemon's sockets in the pod).</summary>
    public PodSandbox? Sandbox => _sandbox;

    /// <returns>true when the sandbox is there; else its creation is under way, or waits for a retry</returns>
    private bool SandboxReady()
    {
        if (_sandbox is not null) return true;
        if (_sandboxCreation is not null || _sandboxBlocked) return false;
        Task<PodSandbox> creation;
        try { creation = Runtime.CreateSandboxAsync(BuildSandboxRequest(), CancellationToken.None); }
        catch (Exception e) { creation = Task.FromException<PodSandbox>(e); }
        _sandboxCreation = creation;
        if (creation.IsCompleted) return OnSandboxCreated(creation);
        _ = creation.ContinueWith(t => _events.Writer.TryWrite(new PodEvent.SandboxCreated(t)), TaskScheduler.Default);
        return false;
    }

    private bool OnSandboxCreated(Task<PodSandbox> creation)
    {
        Exception? e = null;
        if (creation.IsCompletedSuccessfully)
        {
            try
            {
                AttachNetwork(creation.Result);
                _sandbox = creation.Result;
                FindEngineHostsFile(creation.Result);
                if (creation.Result.NetworkLimitation is { } limitation) Record(SupEvent.Warning, "NetworkLimited", limitation);
                return true;
            }
            catch (NetworkNamespaceGoneException gone)
            {
                // The sandbox's namespace went before we entered it: remove that sandbox, make another.
                e = gone;
                _ = RemoveSandboxQuietlyAsync(creation.Result);
            }
        }
        _sandboxCreation = null;
        e ??= creation.Exception?.GetBaseException();
        var message = e?.Message ?? "cancelled";
        foreach (var slot in AllSlots().Where(s => s.Waiting is not null))
            slot.Waiting = new V1ContainerStateWaiting { Reason = "ContainerCreating", Message = message };
        _sandboxBlocked = true;
        if (e is not SandboxException { Permanent: true })
        {
            RetryAfterInterval(() =>
            {
                _sandboxBlocked = false;
                Advance();
            });
        }
        Record(SupEvent.Warning, "FailedCreatePodSandBox", $"Failed to create pod sandbox: {message}");
        return false;
    }

    /// <summary>A pod in a network namespace of its own gets the daemon's sockets in it (probes, Service upstreams
    /// and listeners) from <see cref="PodNetworks"/>, by its IP, as long as its sandbox lives.</summary>
    private void AttachNetwork(PodSandbox sandbox)
    {
        if (sandbox.NetworkNamespacePid is { } pid && System.Net.IPAddress.TryParse(sandbox.PodIp, out var ip))
            _network = _context.Networks.Attach(ip, pid);
    }

    private async Task RemoveSandboxQuietlyAsync(PodSandbox sandbox)
    {
        try { await Runtime.RemoveSandboxAsync(sandbox, CancellationToken.None).ConfigureAwait(false); }
        catch (Exception ex) { LogSandboxRemovalFailed(_context.Logger, ex, Name); }
    }

    private SandboxRequest BuildSandboxRequest()
    {
        var spec = _pod.Spec;
        var ports = AllSlots()
            .SelectMany(s => s.Spec.Ports ?? [])
            .Select(p => new PublishedPort(p.ContainerPort, p.Protocol ?? "TCP"))
            .Distinct()
            .ToList();
        var hosts = new List<HostEntry>();
        foreach (var alias in spec.HostAliases ?? [])
            foreach (var name in alias.Hostnames ?? [])
                hosts.Add(new HostEntry(name, alias.Ip));
        // Kept current in the engine's hosts file once the sandbox is made (FindEngineHostsFile).
        _sandboxServiceEntries = _context.HostEntries(_pod.Metadata.NamespaceProperty ?? "default");
        hosts.AddRange(_sandboxServiceEntries);
        return new SandboxRequest(Name, _pod.Metadata.NamespaceProperty ?? "default", _pod.Metadata.Uid ?? "", PodIp ?? "",
            spec.HostNetwork == true, PodHostname.Of(_pod), ports, hosts, _runsImages, spec.ShareProcessNamespace == true);
    }

    /// <summary>When the worker is done: the sandbox goes (a creation still under way is waited for first).</summary>
    private async Task RemoveSandboxAsync()
    {
        var sandbox = _sandbox;
        if (sandbox is null && _sandboxCreation is { } creation)
        {
            try { sandbox = await creation.ConfigureAwait(false); }
            catch (Exception) { return; } // never made: nothing to remove
        }
        _network?.Dispose();
        _network = null;
        if (sandbox?.Id is null) return;
        try { await Runtime.RemoveSandboxAsync(sandbox, CancellationToken.None).ConfigureAwait(false); }
        catch (Exception e) { LogSandboxRemovalFailed(_context.Logger, e, Name); }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "pod {Pod}: its sandbox could not be removed")]
    private static partial void LogSandboxRemovalFailed(ILogger logger, Exception e, string pod);
}

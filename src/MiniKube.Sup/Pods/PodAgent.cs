using System.Collections.Concurrent;
using k8s.Models;
using MiniKube.Sup.Volumes;

namespace MiniKube.Sup.Pods;

/// <summary>Runs pod objects: one <see cref="PodWorker"/> per pod. Controllers create and delete pod objects;
/// this is the only place that turns them into processes.</summary>
public sealed class PodAgent(PodWorkerContext context)
{
    private readonly ConcurrentDictionary<string, PodWorker> _workers = new(StringComparer.Ordinal);
    private readonly PodIpAllocator _ips = new();

    /// <summary>Raised on every status change of any pod.</summary>
    public event Action<V1Pod>? PodChanged;

    /// <summary>Raised when a deleted pod is gone (all its containers down, its directory removed).</summary>
    public event Action<string>? PodRemoved;

    public bool Contains(string name) => _workers.ContainsKey(name);

    public PodWorker Run(V1Pod pod)
    {
        pod.Metadata.NamespaceProperty ??= "default";
        pod.Metadata.Uid ??= Guid.NewGuid().ToString();
        pod.Metadata.CreationTimestamp ??= context.Time.GetUtcNow().UtcDateTime;
        pod.Spec.NodeName ??= Environment.MachineName; // k8s: set when the pod is bound to a node; here, this host
        var ip = _ips.Allocate();
        var worker = new PodWorker(pod, context, p => PodChanged?.Invoke(p), ip);
        if (!_workers.TryAdd(pod.Metadata.Name, worker))
        {
            _ips.Release(ip);
            throw new InvalidOperationException($"pod {pod.Metadata.Name} is already running");
        }
        worker.Start();
        return worker;
    }

    public PodWorker? Worker(string name) => _workers.GetValueOrDefault(name);

    public IReadOnlyList<PodWorker> Workers() => _workers.Values.OrderBy(w => w.Name, StringComparer.Ordinal).ToList();

    public V1Pod? Get(string name) => _workers.TryGetValue(name, out var w) ? w.Snapshot : null;

    public IReadOnlyList<V1Pod> List() => _workers.Values.Select(w => w.Snapshot).OrderBy(p => p.Metadata.Name, StringComparer.Ordinal).ToList();

    /// <summary>Sets the pod's deletionTimestamp (it shows as Terminating) without waiting for anything.</summary>
    public bool MarkDeleting(string name, TimeSpan? grace = null)
    {
        if (!_workers.TryGetValue(name, out var worker)) return false;
        var metadata = worker.Snapshot.Metadata;
        var first = metadata.DeletionTimestamp is null;
        metadata.DeletionTimestamp ??= context.Time.GetUtcNow().UtcDateTime;
        metadata.DeletionGracePeriodSeconds ??= (long?)grace?.TotalSeconds ?? worker.Snapshot.Spec.TerminationGracePeriodSeconds ?? 30;
        // Published at once, before any container is signalled: Services drop the pod's endpoints first.
        if (first) PodChanged?.Invoke(worker.Snapshot);
        return true;
    }

    /// <summary>Terminates the pod and forgets it; its working directory goes with it.</summary>
    public async Task DeleteAsync(string name, TimeSpan? grace = null)
    {
        if (!_workers.TryGetValue(name, out var worker)) return;
        MarkDeleting(name, grace);
        await worker.StopAsync(grace).ConfigureAwait(false);
        await worker.Finished.ConfigureAwait(false);
        _workers.TryRemove(name, out _);
        _ips.Release(worker.PodIp);
        var dir = context.Paths.PodDirectory(name);
        PodVolumes.Teardown(dir);
        if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        PodRemoved?.Invoke(name);
    }

    /// <summary>Terminates every pod in parallel, each within its own grace period.</summary>
    public Task StopAllAsync(TimeSpan? grace = null) =>
        Task.WhenAll(_workers.Values.Select(async w =>
        {
            await w.StopAsync(grace).ConfigureAwait(false);
            await w.Finished.ConfigureAwait(false);
            // Memory-backed emptyDirs do not outlive the daemon (nothing it mounted is left behind).
            PodVolumes.Teardown(context.Paths.PodDirectory(w.Name));
        }));
}

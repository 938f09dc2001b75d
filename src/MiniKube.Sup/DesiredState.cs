using System.Collections.Concurrent;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;
using MiniKube.Sup.Api;
using MiniKube.Sup.Pods;
using MiniKube.Sup.Spec;
using MiniKube.Sup.Store;

namespace MiniKube.Sup;

/// <summary>
/// Desired state: what the manifest files and API clients asked for. Every change is written to the store
/// (durable before it is acknowledged), then made real: pods are started, replaced (a pod's spec is
/// immutable, so a changed pod is terminated and started anew) or terminated; other objects are served by the
/// API for the controllers to act on. Only what changed is touched.
/// </summary>
public sealed partial class DesiredState : IObjectWriter
{
    public const string FilesSource = "files";
    public const string ApiSource = "api";

    private readonly StateStore _store;
    private readonly ObjectRepository _repository;
    private readonly PodAgent _pods;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, Task> _podTransitions = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, V1Pod> _creating = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    public DesiredState(StateStore store, ObjectRepository repository, PodAgent pods, TimeProvider time, ILogger logger)
    {
        _store = store;
        _repository = repository;
        _pods = pods;
        _time = time;
        _logger = logger;
        _pods.PodChanged += pod => _repository.Upsert(pod);
        _pods.PodRemoved += name => _repository.Remove("Pod", name);
    }

    /// <summary>Makes the files' objects the whole of the "files" source in the store, without acting on them
    /// (used at start-up, before <see cref="RealizeAll"/>).</summary>
    public SourceChanges RecordFiles(ManifestLoadResult loaded)
    {
        lock (_gate) return _store.ReplaceSource(FilesSource, loaded.Objects.Select(Row).ToList());
    }

    /// <summary>Starts everything the store holds (after a restart: what files and API clients asked for).</summary>
    public void RealizeAll()
    {
        // ConfigMaps and Secrets first, so that the pods that use them find them at once.
        foreach (var stored in _store.ListObjects().OrderBy(o => o.Kind == "Pod"))
            if (Parse(stored) is { } obj) Start(obj);
    }

    /// <summary>Hot reload (SIGHUP): the files' objects replace the "files" source; only changes are acted on.</summary>
    public SourceChanges ReloadFiles(ManifestLoadResult loaded)
    {
        SourceChanges changes;
        lock (_gate) changes = _store.ReplaceSource(FilesSource, loaded.Objects.Select(Row).ToList());
        Realize(changes);
        return changes;
    }

    public async Task<IReadOnlyList<(ManifestObject Object, ApplyOutcome Outcome)>> ApplyAsync(IReadOnlyList<ManifestObject> objects, string source, CancellationToken cancel)
    {
        var result = new List<(ManifestObject, ApplyOutcome)>();
        foreach (var o in objects)
        {
            var json = KubernetesJson.Serialize(o.Model);
            StoredObject? before;
            lock (_gate)
            {
                before = _store.GetObject(o.Kind, o.Name);
                if (before is not null && before.Json == json) { result.Add((o, ApplyOutcome.Unchanged)); continue; }
                _store.PutObject(o.Kind, o.Name, json, source);
            }
            if (before is null) Start(o.Model);
            else Replace(o.Model);
            result.Add((o, before is null ? ApplyOutcome.Created : ApplyOutcome.Configured));
            // A created pod is answered with its stored self (resourceVersion, Pending status), as the API server does.
            if (before is null && o.Model is V1Pod && _podTransitions.TryGetValue(o.Name, out var started))
                await started.WaitAsync(cancel).ConfigureAwait(false);
        }
        return result;
    }

    public bool Delete(ResourceKind kind, string name, long? gracePeriodSeconds)
    {
        lock (_gate)
        {
            var inStore = _store.DeleteObject(kind.Kind, name) is not null;
            var live = kind == ResourceKinds.Pod ? _pods.Contains(name) : _repository.Get(kind.Kind, name) is not null;
            if (!inStore && !live) return false;
        }
        Stop(kind.Kind, name, gracePeriodSeconds is { } g ? TimeSpan.FromSeconds(g) : null);
        return true;
    }

    /// <summary>Pods created by controllers (not desired state of their own: their owner is, and a restarted
    /// daemon's controllers create them again).</summary>
    public bool RunOwnedPod(V1Pod pod)
    {
        var name = pod.Metadata.Name;
        lock (_gate)
        {
            if (_creating.ContainsKey(name) || (_pods.Get(name) is { } live && live.Metadata.DeletionTimestamp is null)) return false;
            _creating[name] = pod;
        }
        Chain(name, () =>
        {
            try { if (!_pods.Contains(name)) _pods.Run(pod); }
            finally { _creating.TryRemove(name, out _); }
            return Task.CompletedTask;
        });
        return true;
    }

    /// <summary>Deletes a controller's pod. It is marked terminating at once, so that the next reconcile does
    /// not count it as active (k8s: the deletionTimestamp is set by the API call, before the kubelet acts).</summary>
    public void DeleteOwnedPod(string name, TimeSpan? grace)
    {
        lock (_gate)
        {
            if (_creating.TryGetValue(name, out var pending)) pending.Metadata.DeletionTimestamp ??= _time.GetUtcNow().UtcDateTime;
            else if (!_pods.MarkDeleting(name, grace)) return;
        }
        Stop("Pod", name, grace);
    }

    /// <summary>Pods asked for but not started yet (they are listed, so that a controller does not create them twice).</summary>
    public IReadOnlyList<V1Pod> CreatingPods() => _creating.Values.ToList();

    private void Realize(SourceChanges changes)
    {
        foreach (var removed in changes.Removed) Stop(removed.Kind, removed.Name, null);
        foreach (var added in changes.Added.OrderBy(o => o.Kind == "Pod"))
            if (Parse(added) is { } obj) Start(obj);
        foreach (var updated in changes.Updated.OrderBy(o => o.Kind == "Pod"))
            if (Parse(updated) is { } obj) Replace(obj);
        if (!changes.IsEmpty)
            LogReloaded(_logger, changes.Added.Count, changes.Updated.Count, changes.Removed.Count, changes.Unchanged.Count);
    }

    private void Start(IKubernetesObject<V1ObjectMeta> obj)
    {
        obj.Metadata.NamespaceProperty ??= "default";
        obj.Metadata.Uid ??= Guid.NewGuid().ToString();
        obj.Metadata.CreationTimestamp ??= _time.GetUtcNow().UtcDateTime;
        if (obj is V1Pod pod) Chain(pod.Metadata.Name, () => { if (!_pods.Contains(pod.Metadata.Name)) _pods.Run(pod); return Task.CompletedTask; });
        else
        {
            obj.Metadata.Generation ??= 1;
            _repository.Upsert(obj);
        }
    }

    private void Replace(IKubernetesObject<V1ObjectMeta> obj)
    {
        if (obj is V1Pod pod)
        {
            Stop("Pod", pod.Metadata.Name, null);
            Start(pod);
        }
        else
        {
            var previous = _repository.Get(obj.Kind, obj.Metadata.Name)?.Object.Metadata;
            obj.Metadata.Uid ??= previous?.Uid;
            obj.Metadata.CreationTimestamp ??= previous?.CreationTimestamp;
            // k8s: metadata.generation counts changes to the desired state; controllers report observedGeneration.
            obj.Metadata.Generation = (previous?.Generation ?? 0) + 1;
            Start(obj);
        }
    }

    private void Stop(string kind, string name, TimeSpan? grace)
    {
        if (kind == "Pod") Chain(name, () => _pods.DeleteAsync(name, grace));
        else _repository.Remove(kind, name);
    }

    /// <summary>Runs pod transitions of one name in order (a replace is: terminate the old, then start the new).</summary>
    private void Chain(string pod, Func<Task> step)
    {
        lock (_gate)
        {
            var previous = _podTransitions.GetValueOrDefault(pod) ?? Task.CompletedTask;
            var next = previous.ContinueWith(async _ =>
            {
                try { await step().ConfigureAwait(false); }
                catch (Exception e) { LogTransitionFailed(_logger, e, pod); }
            }, TaskScheduler.Default).Unwrap();
            _podTransitions[pod] = next;
        }
    }

    /// <summary>Waits until every pending pod start, replacement and deletion has been carried out.</summary>
    public Task SettledAsync() => Task.WhenAll(_podTransitions.Values.ToArray());

    private static (string Kind, string Name, string Json) Row(ManifestObject o) => (o.Kind, o.Name, KubernetesJson.Serialize(o.Model));

    private IKubernetesObject<V1ObjectMeta>? Parse(StoredObject stored)
    {
        var loaded = ManifestLoader.LoadText(stored.Json, $"store:{stored.Kind}/{stored.Name}");
        if (loaded.Succeeded && loaded.Objects.Count == 1) return loaded.Objects[0].Model;
        LogStoredObjectInvalid(_logger, stored.Kind, stored.Name, string.Join("; ", loaded.Errors));
        return null;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "applied: {Added} added, {Updated} changed, {Removed} removed, {Unchanged} unchanged")]
    private static partial void LogReloaded(ILogger logger, int added, int updated, int removed, int unchanged);

    [LoggerMessage(Level = LogLevel.Error, Message = "pod {Pod}: start/stop failed")]
    private static partial void LogTransitionFailed(ILogger logger, Exception e, string pod);

    [LoggerMessage(Level = LogLevel.Error, Message = "stored {Kind}/{Name} no longer loads and is skipped: {Errors}")]
    private static partial void LogStoredObjectInvalid(ILogger logger, string kind, string name, string errors);
}

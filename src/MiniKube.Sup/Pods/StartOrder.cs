using k8s.Models;
using MiniKube.Sup.Spec;
using MiniKube.Sup.Store;

namespace MiniKube.Sup.Pods;

/// <summary>
/// Decides when a pod that waits (<see cref="SupAnnotations.WaitFor"/>) may start: once each target is Ready — a
/// Service with a Ready endpoint, a Deployment, StatefulSet, ReplicaSet or DaemonSet with all its replicas Ready, a
/// pod Ready — or a Job Complete, and has stayed so for <see cref="SupAnnotations.WaitForStableSeconds"/>. It only
/// decides: the pod agent holds the pod and asks again when a target changes (<paramref name="changed"/>) or a
/// stability window ends.
/// </summary>
public sealed class StartOrder(ObjectStore store, TimeProvider time, Action changed) : IAsyncDisposable
{
    private static readonly HashSet<string> TargetKinds = ["Endpoints", "Deployment", "StatefulSet", "ReplicaSet", "DaemonSet", "Job", "Pod"];

    private readonly Lock _gate = new();
    /// <summary>Since when each target has been seen Ready (per target, whichever pods wait for it).</summary>
    private readonly Dictionary<(string Kind, string Ns, string Name), DateTimeOffset> _readySince = new();
    private StoreSubscription? _subscription;
    private ITimer? _recheck;
    private DateTimeOffset? _recheckAt;

    public void Start() => _subscription ??= store.Subscribe("start order", kind => TargetKinds.Contains(kind), _ => changed());

    /// <returns>null when <paramref name="pod"/> may start; else what it still waits for ("svc/db: no Ready endpoint")</returns>
    public string? Waiting(V1Pod pod)
    {
        var annotations = pod.Metadata.Annotations;
        if (annotations is null || !annotations.TryGetValue(SupAnnotations.WaitFor, out var value)) return null;
        var targets = WaitForTargets.Parse(value).Targets; // an invalid value was refused when it was loaded
        var stable = annotations.TryGetValue(SupAnnotations.WaitForStableSeconds, out var text) ? SupAnnotations.StableSeconds(text) ?? TimeSpan.Zero : TimeSpan.Zero;
        var ns = pod.Metadata.NamespaceProperty ?? ObjectKey.DefaultNamespace;
        var now = time.GetUtcNow();
        var missing = new List<string>();
        lock (_gate)
        {
            foreach (var target in targets)
            {
                var key = (target.Kind, ns, target.Name);
                if (NotReady(target, ns) is { } why)
                {
                    _readySince.Remove(key);
                    missing.Add($"{target}: {why}");
                    continue;
                }
                if (!_readySince.TryGetValue(key, out var since)) _readySince[key] = since = now;
                if (now - since < stable)
                {
                    missing.Add($"{target}: {target.Condition} for {(now - since).TotalSeconds:0}s of {stable.TotalSeconds:0}s");
                    RecheckAt(since + stable);
                }
            }
        }
        return missing.Count == 0 ? null : string.Join("; ", missing);
    }

    /// <summary>Why <paramref name="target"/> is not Ready (or Complete) now, or null when it is.</summary>
    private string? NotReady(WaitForTarget target, string ns)
    {
        var stored = store.Get(target.Kind == "Service" ? "Endpoints" : target.Kind, target.Name, ns);
        if (stored is null) return target.Kind == "Service" && store.Get("Service", target.Name, ns) is not null ? "no Ready endpoint" : "not found";
        return stored.Object switch
        {
            V1Endpoints e => e.Subsets?.Any(s => s.Addresses is { Count: > 0 }) == true ? null : "no Ready endpoint",
            V1Deployment d => Replicas(d.Spec?.Replicas, d.Status?.ReadyReplicas),
            V1StatefulSet s => Replicas(s.Spec?.Replicas, s.Status?.ReadyReplicas),
            V1ReplicaSet r => Replicas(r.Spec?.Replicas, r.Status?.ReadyReplicas),
            V1DaemonSet ds => ds.Status is { DesiredNumberScheduled: > 0 } st && st.NumberReady >= st.DesiredNumberScheduled
                ? null : $"{ds.Status?.NumberReady ?? 0}/{ds.Status?.DesiredNumberScheduled ?? 0} Ready",
            V1Job j => JobConditions.IsTrue(j.Status, JobConditions.Complete) ? null : JobConditions.IsTrue(j.Status, JobConditions.Failed) ? "Failed" : "not Complete yet",
            V1Pod p => p.Status?.Conditions?.Any(c => c.Type == "Ready" && c.Status == "True") == true ? null : "not Ready",
            _ => "not found",
        };
    }

    private static string? Replicas(int? desired, int? ready) =>
        (ready ?? 0) >= (desired ?? 1) ? null : $"{ready ?? 0}/{desired ?? 1} Ready";

    /// <summary>Asks again when the earliest stability window ends. Called under the lock.</summary>
    private void RecheckAt(DateTimeOffset at)
    {
        if (_recheckAt is { } planned && planned <= at && planned > time.GetUtcNow()) return;
        _recheckAt = at;
        var due = at - time.GetUtcNow();
        _recheck?.Dispose();
        _recheck = time.CreateTimer(_ => changed(), null, due < TimeSpan.Zero ? TimeSpan.Zero : due, Timeout.InfiniteTimeSpan);
    }

    public async ValueTask DisposeAsync()
    {
        if (_subscription is { } subscription) await subscription.DisposeAsync().ConfigureAwait(false);
        lock (_gate) _recheck?.Dispose();
    }
}

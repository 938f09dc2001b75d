using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;
using MiniKube.Sup.Spec;
using MiniKube.Sup.Store;

namespace MiniKube.Sup.Desired;

/// <summary>
/// What the manifest files and API clients ask for, into the store: each object is created, or updated (its status
/// kept, its generation bumped if the spec changed), or left alone when nothing changed. Two sup rules on top of the
/// API server's: a pod whose spec changed is replaced by a new one (k8s refuses the change; sup runs the new spec),
/// and so is a Job whose pod template changed (k8s refuses it too; here it means "run the new version"). Every write
/// is durable before it returns. Re-reading the files touches only what changed and deletes what they no longer
/// hold. Namespaces: an object of a namespace no Namespace object declares creates it (k8s would refuse the object;
/// here the namespace is made on demand, with a warning), and none is written into a terminating namespace.
/// </summary>
public sealed partial class DesiredState(ObjectStore store, ILogger logger)
{
    public const string FilesSource = "files";
    public const string ApiSource = "api";

    /// <summary>The source of a Namespace made on demand: no file holds it, so a reload never prunes it.</summary>
    public const string OnDemandSource = "on-demand";

    /// <summary>Makes the store hold what the files hold (at start-up, and on SIGHUP): objects that came from the
    /// files and are no longer in them are deleted.</summary>
    public IReadOnlyList<Applied> ApplyFiles(ManifestLoadResult loaded)
    {
        // Namespaces first: an object in a namespace the same files declare does not make it on demand. An object new
        // to a namespace being deleted waits (a warning); the next reload or start applies it.
        // One commit for the whole set, not one per object (an fsync each: 0.4 s for 500 pods here): every write is
        // visible at once and batched (Soon), and the batch is on disk before this returns (Flush below).
        var applied = new List<Applied>();
        foreach (var o in loaded.Objects.OrderBy(o => o.Kind == Kinds.Namespace.Kind ? 0 : 1))
        {
            try { applied.Add(Apply(o.Model, FilesSource, Durability.Soon)); }
            catch (ForbiddenException e) { LogNotApplied(logger, o.Kind, e.Key.Namespace, o.Name, e.Message); }
        }
        foreach (var ns in applied.Select(a => a.NamespaceCreated).OfType<string>())
            LogNamespaceCreated(logger, ns);
        var kept = loaded.Objects.Select(o => ObjectKey.Of(o.Model)).ToHashSet();
        var removed = 0;
        foreach (var kind in Kinds.FromManifests.Select(k => k.Kind))
        {
            foreach (var stale in store.List(kind).Where(o => o.Source == FilesSource && !kept.Contains(o.Key)))
            {
                try
                {
                    store.Delete(stale.Key, new DeleteOptions(Uid: stale.Uid), Durability.Soon);
                    removed++;
                }
                catch (Exception e) when (e is StoreNotFoundException or StoreConflictException) { }
            }
        }
        store.Flush();
        var created = applied.Count(a => a.Outcome == ApplyOutcome.Created);
        var configured = applied.Count(a => a.Outcome == ApplyOutcome.Configured);
        if (created + configured + removed > 0)
            LogApplied(logger, created, configured, removed, applied.Count - created - configured);
        return applied;
    }

    /// <summary>Applies one object for <paramref name="source"/>: created, updated or unchanged. An object that carries
    /// a resourceVersion is written only if it is still the stored one.</summary>
    /// <exception cref="StoreConflictException">the object changed since the caller read it</exception>
    public Applied Apply(IKubernetesObject<V1ObjectMeta> obj, string source, Durability durability = Durability.Now)
    {
        var key = ObjectKey.Of(obj);
        for (var attempt = 0; ; attempt++)
        {
            var current = store.Get(key);
            try
            {
                if (current is null) return Create(obj, source, durability);
                if (IsReplacement(current, obj)) return Replace(current, obj, source, durability);
                var updated = store.Update(obj, source, durability);
                return new Applied(updated, updated.ResourceVersion == current.ResourceVersion ? ApplyOutcome.Unchanged : ApplyOutcome.Configured);
            }
            catch (StoreConflictException e) when (e.Reason == StoreConflictReason.AlreadyExists && attempt < 10) { /* created meanwhile: update it */ }
            catch (StoreNotFoundException) when (attempt < 10) { /* deleted meanwhile: create it */ }
        }
    }

    /// <summary>Creates an object for <paramref name="source"/> (POST: one of that name must not exist).</summary>
    /// <exception cref="StoreConflictException">one of that name exists (AlreadyExists)</exception>
    public Applied Create(IKubernetesObject<V1ObjectMeta> obj, string source, Durability durability = Durability.Now)
    {
        var key = ObjectKey.Of(obj);
        CheckNamespace(key);
        var made = key.Namespace != ObjectKey.DefaultNamespace && EnsureNamespace(key.Namespace, durability);
        obj.Metadata.Uid = null; // k8s: the server gives every new object its uid
        return new Applied(store.Create(obj, source, durability), ApplyOutcome.Created) { NamespaceCreated = made ? key.Namespace : null };
    }

    /// <summary>Makes namespace <paramref name="ns"/> if no Namespace object declares it; true when it made one.</summary>
    public bool EnsureNamespace(string ns, Durability durability = Durability.Now)
    {
        if (ns.Length == 0 || store.Get(new ObjectKey(Kinds.Namespace.Kind, ObjectKey.ClusterScope, ns)) is not null) return false;
        var made = new V1Namespace
        {
            ApiVersion = Kinds.Namespace.ApiVersion,
            Kind = Kinds.Namespace.Kind,
            // k8s labels every namespace with its name (NamespaceDefaultLabelName).
            Metadata = new V1ObjectMeta { Name = ns, Labels = new Dictionary<string, string> { ["kubernetes.io/metadata.name"] = ns } },
        };
        try
        {
            store.Create(made, OnDemandSource, durability);
            return true;
        }
        catch (StoreConflictException e) when (e.Reason == StoreConflictReason.AlreadyExists) { return false; }
    }

    /// <summary>k8s NamespaceLifecycle: nothing new goes into a namespace that is being deleted.</summary>
    private void CheckNamespace(ObjectKey key)
    {
        if (key.Kind == Kinds.Event.Kind || key.Namespace.Length == 0) return;
        if (store.Get(new ObjectKey(Kinds.Namespace.Kind, ObjectKey.ClusterScope, key.Namespace))?.Object.Metadata.DeletionTimestamp is not null)
            throw ForbiddenException.Terminating(key);
    }

    /// <summary>Deletes an object (a pod gracefully: it goes once its processes are down).</summary>
    /// <exception cref="StoreNotFoundException">no such object</exception>
    /// <exception cref="StoreConflictException">the preconditions do not hold</exception>
    public StoredObject Delete(ObjectKey key, DeleteOptions? options = null)
    {
        if (key is { Kind: "Namespace", Name: ObjectKey.DefaultNamespace }) throw ForbiddenException.Undeletable(key);
        return store.Delete(key, options);
    }

    /// <summary>A pod's spec is immutable, and a Job's pod template too: a change of either means a new object.</summary>
    private static bool IsReplacement(StoredObject current, IKubernetesObject<V1ObjectMeta> desired) => (current.Object, desired) switch
    {
        (V1Pod stored, V1Pod pod) => Differs(WithNode(pod.Spec, stored.Spec.NodeName), stored.Spec),
        (V1Job stored, V1Job job) => Differs(job.Spec.Template, stored.Spec.Template),
        _ => false,
    };

    private Applied Replace(StoredObject current, IKubernetesObject<V1ObjectMeta> obj, string source, Durability durability)
    {
        if (obj.Metadata.ResourceVersion is { Length: > 0 } rv && rv != current.ResourceVersion.ToString(System.Globalization.CultureInfo.InvariantCulture))
            throw new StoreConflictException(current.Key, StoreConflictReason.Conflict,
                $"Operation cannot be fulfilled on {current.Kind} \"{current.Name}\": the object has been modified; please apply your changes to the latest version and try again");
        LogReplacing(logger, current.Kind, current.Name);
        if (current.Kind == Kinds.Pod.Kind) return new Applied(store.CreateOrReplace(obj, source, durability), ApplyOutcome.Configured);
        // A Job: the old one goes (and its pods with it, through the garbage collector), the new one starts over.
        store.Delete(current.Key, new DeleteOptions(Uid: current.Uid), durability);
        return Create(obj, source, durability) with { Outcome = ApplyOutcome.Configured };
    }

    private static V1PodSpec WithNode(V1PodSpec spec, string? node)
    {
        if (spec.NodeName is not null || node is null) return spec;
        var copy = KubernetesJson.Deserialize<V1PodSpec>(KubernetesJson.Serialize(spec));
        copy.NodeName = node;
        return copy;
    }

    private static bool Differs(object a, object b) => KubernetesJson.Serialize(a) != KubernetesJson.Serialize(b);

    [LoggerMessage(Level = LogLevel.Information, Message = "applied: {Created} created, {Configured} changed, {Removed} removed, {Unchanged} unchanged")]
    private static partial void LogApplied(ILogger logger, int created, int configured, int removed, int unchanged);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Kind} {Namespace}/{Name} not applied: {Reason}")]
    private static partial void LogNotApplied(ILogger logger, string kind, string @namespace, string name, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "namespace \"{Namespace}\" created on demand: no Namespace object declares it")]
    private static partial void LogNamespaceCreated(ILogger logger, string @namespace);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Kind}/{Name}: its spec changed; replacing it with a new one")]
    private static partial void LogReplacing(ILogger logger, string kind, string name);
}

/// <summary>What an apply did to one object, and the object as stored after it.</summary>
public sealed record Applied(StoredObject Stored, ApplyOutcome Outcome)
{
    /// <summary>The namespace this apply made on demand (no Namespace object declared it), if any.</summary>
    public string? NamespaceCreated { get; init; }
}

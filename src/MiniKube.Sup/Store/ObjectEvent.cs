using k8s;
using k8s.Models;

namespace MiniKube.Sup.Store;

/// <summary>A change of one object as watchers see it (k8s watch.Event): ADDED, MODIFIED or DELETED, with the object
/// as it is after the change (for DELETED: its last version, with the deletion's resourceVersion).</summary>
public sealed record ObjectEvent(string Type, StoredObject Stored)
{
    public const string Added = "ADDED";
    public const string Modified = "MODIFIED";
    public const string Deleted = "DELETED";

    /// <summary>The object's model, shared: never mutate it.</summary>
    public IKubernetesObject<V1ObjectMeta> Object => Stored.Object;

    public string Json => Stored.Json;

    public long ResourceVersion => Stored.ResourceVersion;

    public string Kind => Stored.Kind;

    public ObjectKey Key => Stored.Key;
}

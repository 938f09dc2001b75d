using k8s;
using k8s.Models;
using MiniKube.Sup.Store;

namespace MiniKube.Sup.Tests;

/// <summary>How tests put objects into a real store (SQLite's in-memory database): as a user's apply would, with the
/// uid the test chose when it has one (so the pods it makes can name their owner).</summary>
internal static class StoreTesting
{
    public static ObjectStore Open(TimeProvider? time = null) => ObjectStore.Open(":memory:", time);

    /// <summary>Where a durable store keeps its database inside a test's directory, as under a daemon's state dir.</summary>
    public static string DatabasePath(this TempDirectory dir) => dir.Combine("state", "sup.db");

    /// <summary>Creates the object, or replaces its spec (status kept), as `sup apply` does.</summary>
    public static StoredObject Put(this ObjectStore store, IKubernetesObject<V1ObjectMeta> obj) => store.CreateOrUpdate(obj, "test");

    public static T? Read<T>(this ObjectStore store, string kind, string name) where T : class, IKubernetesObject<V1ObjectMeta> =>
        store.Get(kind, name)?.As<T>();

    public static void Drop(this ObjectStore store, string kind, string name) => store.Remove(ObjectKey.Default(kind, name), uid: null);
}

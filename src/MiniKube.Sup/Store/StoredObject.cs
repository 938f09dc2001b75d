using k8s;
using k8s.Models;

namespace MiniKube.Sup.Store;

/// <summary>
/// One version of a stored object: its Kubernetes JSON (serialized once, when it was written) and the model parsed
/// from it. Both are shared by every reader: <see cref="Object"/> must be treated as read-only (take
/// <see cref="Copy{T}"/> to change something and write it back). <see cref="Source"/> says who asked for it
/// (<c>files</c>, <c>api</c>, or <c>controller</c>), so that a re-read of the manifest files touches only its own.
/// </summary>
public sealed class StoredObject
{
    internal StoredObject(ObjectKey key, long resourceVersion, string json, IKubernetesObject<V1ObjectMeta> obj, string source)
    {
        Key = key;
        ResourceVersion = resourceVersion;
        Json = json;
        Object = obj;
        Source = source;
    }

    public ObjectKey Key { get; }

    public string Kind => Key.Kind;

    public string Name => Key.Name;

    public long ResourceVersion { get; }

    public string Json { get; }

    /// <summary>The parsed object, shared: never mutate it.</summary>
    public IKubernetesObject<V1ObjectMeta> Object { get; }

    public string Source { get; }

    public string? Uid => Object.Metadata.Uid;

    /// <summary>The shared, read-only model as its type.</summary>
    public T As<T>() where T : class, IKubernetesObject<V1ObjectMeta> => (T)Object;

    /// <summary>A private deep copy to modify and write back (its resourceVersion makes the write conditional).</summary>
    public T Copy<T>() where T : class, IKubernetesObject<V1ObjectMeta> => (T)ModelJson.Deserialize(Kind, Json);
}

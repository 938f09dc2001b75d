using k8s;
using k8s.Models;

namespace MiniKube.Sup.Store;

/// <summary>An object's identity in the store: kind, namespace and name, compared ordinally (k8s keys objects by
/// resource, namespace and name; a namespace other than <c>default</c> arrives with a later issue, and the key is
/// ready for it).</summary>
public readonly record struct ObjectKey(string Kind, string Namespace, string Name)
{
    public const string DefaultNamespace = "default";

    public static ObjectKey Of(IKubernetesObject<V1ObjectMeta> obj)
    {
        if (string.IsNullOrEmpty(obj.Kind) || string.IsNullOrEmpty(obj.Metadata?.Name))
            throw new ArgumentException($"an object needs a kind and a name to be stored (kind \"{obj.Kind}\", name \"{obj.Metadata?.Name}\")", nameof(obj));
        return new(obj.Kind, Spec.Kinds.ByKind(obj.Kind)?.Namespaced == false ? ClusterScope : obj.Metadata.NamespaceProperty ?? DefaultNamespace, obj.Metadata.Name);
    }

    /// <summary>The namespace of a cluster-scoped object's key (a StorageClass has none).</summary>
    public const string ClusterScope = "";

    /// <summary>The key of <paramref name="name"/> of <paramref name="kind"/> in <paramref name="ns"/> (default when
    /// null), or cluster-wide for a cluster-scoped kind.</summary>
    public static ObjectKey In(Spec.KindInfo kind, string? ns, string name) =>
        new(kind.Kind, kind.Namespaced ? ns ?? DefaultNamespace : ClusterScope, name);

    /// <summary>The namespace an object stored under this key has in its metadata (none when cluster-scoped).</summary>
    public string? MetadataNamespace => Namespace.Length == 0 ? null : Namespace;

    /// <summary>A key in the default namespace.</summary>
    public static ObjectKey Default(string kind, string name) => new(kind, DefaultNamespace, name);

    public override string ToString() => $"{Kind}/{Namespace}/{Name}";
}

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
        return new(obj.Kind, obj.Metadata.NamespaceProperty ?? DefaultNamespace, obj.Metadata.Name);
    }

    /// <summary>A key in the default namespace.</summary>
    public static ObjectKey Default(string kind, string name) => new(kind, DefaultNamespace, name);

    public override string ToString() => $"{Kind}/{Namespace}/{Name}";
}

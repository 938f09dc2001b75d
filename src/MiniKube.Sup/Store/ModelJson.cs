using k8s;
using k8s.Models;
using MiniKube.Sup.Spec;

namespace MiniKube.Sup.Store;

/// <summary>Kubernetes JSON to and from the official model type of each kind the store holds (trim-safe: the
/// client library's source-generated serializers, picked by kind in <see cref="Kinds"/>).</summary>
public static class ModelJson
{
    public static IKubernetesObject<V1ObjectMeta> Deserialize(string kind, string json) =>
        (Kinds.ByKind(kind) ?? throw new NotSupportedException($"the store does not hold objects of kind {kind}")).FromJson(json);

    public static string Serialize(IKubernetesObject<V1ObjectMeta> obj) => KubernetesJson.Serialize(obj);
}

using k8s;
using k8s.Models;
using MiniKube.Sup.Spec;

namespace MiniKube.Sup.Store;

/// <summary>Kubernetes JSON to and from the official model type of each kind the store holds (trim-safe: the
/// client library's source-generated serializers, picked by kind in <see cref="Kinds"/>).</summary>
public static class ModelJson
{
    public static IKubernetesObject<V1ObjectMeta> Deserialize(string kind, string json) => kind == "ControllerRevision"
        ? KubernetesJson.Deserialize<V1ControllerRevision>(json, ModelJsonOptions.Options) // its raw data
        : (Kinds.ByKind(kind) ?? throw new NotSupportedException($"the store does not hold objects of kind {kind}")).FromJson(json);

    /// <summary>Any object of the store, a ControllerRevision's raw <c>data</c> included.</summary>
    public static string Serialize(object obj) => KubernetesJson.Serialize(obj, ModelJsonOptions.Options);
}

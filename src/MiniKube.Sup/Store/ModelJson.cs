using k8s;
using k8s.Models;

namespace MiniKube.Sup.Store;

/// <summary>Kubernetes JSON to and from the official model type of each kind the store holds (trim-safe: the
/// client library's source-generated serializers, picked by kind).</summary>
public static class ModelJson
{
    public static IKubernetesObject<V1ObjectMeta> Deserialize(string kind, string json) => kind switch
    {
        "Pod" => KubernetesJson.Deserialize<V1Pod>(json),
        "ConfigMap" => KubernetesJson.Deserialize<V1ConfigMap>(json),
        "Secret" => KubernetesJson.Deserialize<V1Secret>(json),
        "Service" => KubernetesJson.Deserialize<V1Service>(json),
        "Endpoints" => KubernetesJson.Deserialize<V1Endpoints>(json),
        "PersistentVolumeClaim" => KubernetesJson.Deserialize<V1PersistentVolumeClaim>(json),
        "Event" => KubernetesJson.Deserialize<Corev1Event>(json),
        "Deployment" => KubernetesJson.Deserialize<V1Deployment>(json),
        "ReplicaSet" => KubernetesJson.Deserialize<V1ReplicaSet>(json),
        "StatefulSet" => KubernetesJson.Deserialize<V1StatefulSet>(json),
        "DaemonSet" => KubernetesJson.Deserialize<V1DaemonSet>(json),
        "ControllerRevision" => KubernetesJson.Deserialize<V1ControllerRevision>(json, ModelJsonOptions.Options),
        "Job" => KubernetesJson.Deserialize<V1Job>(json),
        "CronJob" => KubernetesJson.Deserialize<V1CronJob>(json),
        _ => throw new NotSupportedException($"the store does not hold objects of kind {kind}"),
    };

    /// <summary>Any object of the store, a ControllerRevision's raw <c>data</c> included.</summary>
    public static string Serialize(object obj) => KubernetesJson.Serialize(obj, ModelJsonOptions.Options);
}

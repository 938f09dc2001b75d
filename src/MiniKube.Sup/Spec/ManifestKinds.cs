using System.Text.Json.Nodes;
using k8s;
using k8s.Models;

namespace MiniKube.Sup.Spec;

/// <summary>The kinds <c>sup</c> reads, their apiVersion and the official model type each one maps to.</summary>
internal static class ManifestKinds
{
    public static readonly IReadOnlyList<KindInfo> All =
    [
        new("Pod", "v1", typeof(V1Pod), n => KubernetesJson.Deserialize<V1Pod>(n)),
        new("ConfigMap", "v1", typeof(V1ConfigMap), n => KubernetesJson.Deserialize<V1ConfigMap>(n)),
        new("Secret", "v1", typeof(V1Secret), n => KubernetesJson.Deserialize<V1Secret>(n)),
        new("Service", "v1", typeof(V1Service), n => KubernetesJson.Deserialize<V1Service>(n)),
        new("PersistentVolumeClaim", "v1", typeof(V1PersistentVolumeClaim), n => KubernetesJson.Deserialize<V1PersistentVolumeClaim>(n)),
        new("Deployment", "apps/v1", typeof(V1Deployment), n => KubernetesJson.Deserialize<V1Deployment>(n)),
        new("StatefulSet", "apps/v1", typeof(V1StatefulSet), n => KubernetesJson.Deserialize<V1StatefulSet>(n)),
        new("DaemonSet", "apps/v1", typeof(V1DaemonSet), n => KubernetesJson.Deserialize<V1DaemonSet>(n)),
        new("Job", "batch/v1", typeof(V1Job), n => KubernetesJson.Deserialize<V1Job>(n)),
        new("CronJob", "batch/v1", typeof(V1CronJob), n => KubernetesJson.Deserialize<V1CronJob>(n)),
    ];

    public static KindInfo? Find(string kind) => All.FirstOrDefault(k => k.Kind == kind);

    public static string AllowedKinds => string.Join(", ", All.Select(k => k.Kind));
}

/// <summary>One supported kind: its name, apiVersion, model type and a trim-safe deserializer.</summary>
internal sealed record KindInfo(string Kind, string ApiVersion, Type ModelType, Func<JsonNode, IKubernetesObject<V1ObjectMeta>> Deserialize);

using k8s;
using k8s.Models;

namespace MiniKube.Sup.Api.ResourceMetrics;

/// <summary>The discovery of metrics.k8s.io/v1beta1: kubectl top looks for the group in /apis before it asks.</summary>
public static class ResourceMetricsDiscovery
{
    public static V1APIGroup ApiGroup()
    {
        var served = new V1GroupVersionForDiscovery { GroupVersion = $"{PodMetricsApi.Group}/{PodMetricsApi.Version}", Version = PodMetricsApi.Version };
        return new V1APIGroup { Kind = "APIGroup", ApiVersion = "v1", Name = PodMetricsApi.Group, Versions = [served], PreferredVersion = served };
    }

    public static string Group() => KubernetesJson.Serialize(ApiGroup());

    public static string Resources() => KubernetesJson.Serialize(new V1APIResourceList
    {
        Kind = "APIResourceList",
        ApiVersion = "v1",
        GroupVersion = $"{PodMetricsApi.Group}/{PodMetricsApi.Version}",
        Resources = [new V1APIResource { Name = "pods", SingularName = "", Namespaced = true, Kind = "PodMetrics", Verbs = ["get", "list"] }],
    });
}

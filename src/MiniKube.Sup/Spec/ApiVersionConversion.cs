using System.Text.Json.Nodes;

namespace MiniKube.Sup.Spec;

/// <summary>
/// Older apiVersions the API server still serves, converted to the one sup stores, as the API server converts
/// between versions: an <c>autoscaling/v1</c> HorizontalPodAutoscaler (targetCPUUtilizationPercentage) becomes its
/// <c>autoscaling/v2</c> form (a cpu Utilization metric), as k8s' autoscaling conversion does.
/// </summary>
public static class ApiVersionConversion
{
    /// <summary>Converts <paramref name="json"/> in place if it is of an older version sup reads; true if it did.</summary>
    public static bool TryConvert(JsonObject json)
    {
        if (json["kind"]?.GetValue<string>() != "HorizontalPodAutoscaler" || json["apiVersion"] is not JsonValue v || v.ToString() != "autoscaling/v1")
            return false;
        json["apiVersion"] = Kinds.HorizontalPodAutoscaler.ApiVersion;
        if (json["spec"] is JsonObject spec && spec.Remove("targetCPUUtilizationPercentage", out var target) && target is not null)
        {
            spec["metrics"] = new JsonArray(new JsonObject
            {
                ["type"] = "Resource",
                ["resource"] = new JsonObject
                {
                    ["name"] = "cpu",
                    ["target"] = new JsonObject { ["type"] = "Utilization", ["averageUtilization"] = target.DeepClone() },
                },
            });
        }
        if (json["status"] is JsonObject status) status.Remove("currentCPUUtilizationPercentage");
        return true;
    }
}

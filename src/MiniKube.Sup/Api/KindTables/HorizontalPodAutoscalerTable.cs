using k8s.Models;

namespace MiniKube.Sup.Api.KindTables;

/// <summary>kubectl's horizontalpodautoscaler columns (printHorizontalPodAutoscaler with formatHPAMetrics: the first
/// two metrics as current/target, &lt;unknown&gt; until a status reports them, then "+ N more...").</summary>
public static class HorizontalPodAutoscalerTable
{
    public static readonly KindTable Table = new(
    [
        Tables.Name,
        new("Reference", "string", "", 0, "scaleTargetRef points to the target resource to scale, and is used to the pods for which metrics should be collected, as well as to actually change the replica count."),
        new("Targets", "string", "", 0, "metrics contains the specifications for which to use to calculate the desired replica count (the maximum replica count across all metrics will be used)."),
        new("MinPods", "string", "", 0, "minReplicas is the lower limit for the number of replicas to which the autoscaler can scale down."),
        new("MaxPods", "string", "", 0, "maxReplicas is the upper limit for the number of replicas to which the autoscaler can scale up."),
        new("Replicas", "string", "", 0, "currentReplicas is current number of replicas of pods managed by this autoscaler, as last seen by the autoscaler."),
        Tables.Age,
    ], (obj, now) =>
    {
        var hpa = (V2HorizontalPodAutoscaler)obj;
        var target = hpa.Spec?.ScaleTargetRef;
        return
        [
            hpa.Metadata.Name,
            $"{target?.Kind}/{target?.Name}",
            Metrics(hpa.Spec?.Metrics ?? [], hpa.Status?.CurrentMetrics ?? []),
            hpa.Spec?.MinReplicas is { } min ? min.ToString(System.Globalization.CultureInfo.InvariantCulture) : "<unset>",
            hpa.Spec?.MaxReplicas ?? 0,
            hpa.Status?.CurrentReplicas ?? 0,
            Tables.AgeOf(hpa, now),
        ];
    });

    private static string Metrics(IList<V2MetricSpec> specs, IList<V2MetricStatus> statuses)
    {
        if (specs.Count == 0) return "<none>";
        var list = new List<string>();
        for (var i = 0; i < specs.Count; i++)
        {
            var spec = specs[i];
            var status = i < statuses.Count ? statuses[i] : null;
            list.Add(spec.Type switch
            {
                "External" when spec.External.Target.AverageValue is { } avg =>
                    $"{status?.External?.Current?.AverageValue?.ToString() ?? "<unknown>"}/{avg} (avg)",
                "External" => $"{(status?.External is { } e ? Quantity(e.Current?.Value) : "<unknown>")}/{Quantity(spec.External.Target.Value)}",
                "Pods" => $"{(status?.Pods is { } p ? Quantity(p.Current?.AverageValue) : "<unknown>")}/{Quantity(spec.Pods.Target.AverageValue)}",
                "Object" when spec.ObjectProperty.Target.AverageValue is { } avg =>
                    $"{status?.ObjectProperty?.Current?.AverageValue?.ToString() ?? "<unknown>"}/{avg} (avg)",
                "Object" => $"{(status?.ObjectProperty is { } o ? Quantity(o.Current?.Value) : "<unknown>")}/{Quantity(spec.ObjectProperty.Target.Value)}",
                "Resource" => Resource(spec.Resource.Name, spec.Resource.Target, status?.Resource is { } r ? r.Current : null, status?.Resource is not null),
                "ContainerResource" => Resource(spec.ContainerResource.Name, spec.ContainerResource.Target, status?.ContainerResource is { } c ? c.Current : null, status?.ContainerResource is not null),
                _ => "<unknown type>",
            });
        }
        return list.Count > 2 ? string.Join(", ", list.Take(2)) + $" + {list.Count - 2} more..." : string.Join(", ", list);
    }

    private static string Resource(string name, V2MetricTarget target, V2MetricValueStatus? current, bool reported)
    {
        if (target.AverageValue is { } avg)
            return $"{name}: {(reported ? Quantity(current?.AverageValue) : "<unknown>")}/{avg}";
        var now = current?.AverageUtilization is { } u ? $"{u}%" : "<unknown>";
        var want = target.AverageUtilization is { } t ? $"{t}%" : "<auto>";
        return $"{name}: {now}/{want}";
    }

    /// <summary>A Go resource.Quantity's String(): "0" for the zero value.</summary>
    private static string Quantity(ResourceQuantity? q) => q?.ToString() ?? "0";
}

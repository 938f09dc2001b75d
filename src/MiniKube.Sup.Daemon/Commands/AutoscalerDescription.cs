using System.Globalization;
using k8s.Models;

namespace MiniKube.Sup.Daemon.Commands;

/// <summary>kubectl describe's layout (pkg/describe, describeHorizontalPodAutoscalerV2) for autoscaling/v2
/// HorizontalPodAutoscalers: each metric as current / target, the replica bounds, the behavior, the conditions. The
/// events follow (written by the caller).</summary>
internal static class AutoscalerDescription
{
    public static DescribeWriter Describe(V2HorizontalPodAutoscaler hpa)
    {
        var spec = hpa.Spec ?? new V2HorizontalPodAutoscalerSpec();
        var status = hpa.Status ?? new V2HorizontalPodAutoscalerStatus();
        var target = spec.ScaleTargetRef ?? new V2CrossVersionObjectReference();
        var w = new DescribeWriter()
            .Write(0, $"Name:\t{hpa.Metadata.Name}\n")
            .Write(0, $"Namespace:\t{hpa.Metadata.NamespaceProperty ?? "default"}\n")
            .Labels("Labels", hpa.Metadata.Labels)
            .Annotations("Annotations", hpa.Metadata.Annotations)
            .Write(0, $"CreationTimestamp:\t{Time(hpa.Metadata.CreationTimestamp)}\n")
            .Write(0, $"Reference:\t{target.Kind}/{target.Name}\n")
            .Write(0, "Metrics:\t( current / target )\n");
        var metrics = spec.Metrics ?? [];
        for (var i = 0; i < metrics.Count; i++)
            Metric(w, metrics[i], status.CurrentMetrics is { } current && current.Count > i ? current[i] : null);
        w.Write(0, $"Min replicas:\t{(spec.MinReplicas is { } min ? Number(min) : "<unset>")}\n")
            .Write(0, $"Max replicas:\t{Number(spec.MaxReplicas)}\n");
        if (spec.Behavior is { } behavior)
        {
            w.Write(0, "Behavior:\n");
            Direction(w, "Scale Up", behavior.ScaleUp);
            Direction(w, "Scale Down", behavior.ScaleDown);
        }
        w.Write(0, $"{target.Kind} pods:\t{Number(status.CurrentReplicas ?? 0)} current / {Number(status.DesiredReplicas)} desired\n");
        if (status.Conditions is { Count: > 0 } conditions)
        {
            w.Write(0, "Conditions:\n").Write(1, "Type\tStatus\tReason\tMessage\n").Write(1, "----\t------\t------\t-------\n");
            foreach (var c in conditions) w.Write(1, $"{c.Type}\t{c.Status}\t{c.Reason}\t{c.Message}\n");
        }
        return w;
    }

    private static void Metric(DescribeWriter w, V2MetricSpec metric, V2MetricStatus? current)
    {
        switch (metric.Type)
        {
            case "External" when metric.External is { } external:
                if (external.Target?.AverageValue is { } averageValue)
                    w.Write(1, $"{Quoted(external.Metric?.Name)} (target average value):\t{current?.External?.Current?.AverageValue?.ToString() ?? "<unknown>"} / {averageValue}\n");
                else
                    w.Write(1, $"{Quoted(external.Metric?.Name)} (target value):\t{(current?.External is { } e ? Quantity(e.Current?.Value) : "<unknown>")} / {Quantity(external.Target?.Value)}\n");
                break;
            case "Pods" when metric.Pods is { } pods:
                w.Write(1, $"{Quoted(pods.Metric?.Name)} on pods:\t{(current?.Pods is { } p ? Quantity(p.Current?.AverageValue) : "<unknown>")} / {Quantity(pods.Target?.AverageValue)}\n");
                break;
            case "Object" when metric.ObjectProperty is { } obj:
                w.Write(1, $"\"{obj.Metric?.Name}\" on {obj.DescribedObject?.Kind}/{obj.DescribedObject?.Name} ");
                if (obj.Target?.Type == "AverageValue")
                    w.Write(0, $"(target average value):\t{(current?.ObjectProperty is { } o ? Quantity(o.Current?.AverageValue) : "<unknown>")} / {Quantity(obj.Target.AverageValue)}\n");
                else
                    w.Write(0, $"(target value):\t{(current?.ObjectProperty is { } o ? Quantity(o.Current?.Value) : "<unknown>")} / {Quantity(obj.Target?.Value)}\n");
                break;
            case "Resource" when metric.Resource is { } resource:
                w.Write(1, $"resource {resource.Name} on pods");
                Utilization(w, resource.Target, current?.Resource?.Current, current?.Resource is not null);
                break;
            case "ContainerResource" when metric.ContainerResource is { } container:
                w.Write(1, $"resource {container.Name} of container \"{container.Container}\" on pods");
                Utilization(w, container.Target, current?.ContainerResource?.Current, current?.ContainerResource is not null);
                break;
            default:
                w.Write(1, $"<unknown metric type {Quoted(metric.Type)}>\n");
                break;
        }
    }

    /// <summary>A resource metric: an average value, or a percentage of the pods' requests.</summary>
    private static void Utilization(DescribeWriter w, V2MetricTarget? target, V2MetricValueStatus? current, bool reported)
    {
        if (target?.AverageValue is { } averageValue)
        {
            w.Write(0, $":\t{(reported ? Quantity(current?.AverageValue) : "<unknown>")} / {averageValue}\n");
            return;
        }
        var now = reported && current?.AverageUtilization is { } percent ? $"{Number(percent)}% ({Quantity(current.AverageValue)})" : "<unknown>";
        w.Write(1, $"(as a percentage of request):\t{now} / {(target?.AverageUtilization is { } goal ? Number(goal) + "%" : "<auto>")}\n");
    }

    private static void Direction(DescribeWriter w, string direction, V2HPAScalingRules? rules)
    {
        if (rules is null) return;
        w.Write(1, direction + ":\n");
        if (rules.StabilizationWindowSeconds is { } window) w.Write(2, $"Stabilization Window: {Number(window)} seconds\n");
        if (rules.Policies is not { Count: > 0 } policies) return;
        w.Write(2, $"Select Policy: {rules.SelectPolicy ?? "Max"}\n").Write(2, "Policies:\n");
        foreach (var p in policies) w.Write(3, $"- Type: {p.Type}\tValue: {Number(p.Value)}\tPeriod: {Number(p.PeriodSeconds)} seconds\n");
    }

    /// <summary>A quantity as Go prints one; the zero quantity when unset.</summary>
    private static string Quantity(ResourceQuantity? q) => q?.ToString() ?? "0";

    /// <summary>Go's %q for a plain name.</summary>
    private static string Quoted(string? text) => "\"" + (text ?? "").Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";

    private static string Number(int n) => n.ToString(CultureInfo.InvariantCulture);

    /// <summary>time.RFC1123Z, in UTC.</summary>
    private static string Time(DateTime? t) =>
        (t ?? DateTime.UnixEpoch).ToUniversalTime().ToString("ddd, dd MMM yyyy HH:mm:ss +0000", CultureInfo.InvariantCulture);
}

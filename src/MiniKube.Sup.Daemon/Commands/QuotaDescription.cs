using k8s.Models;

namespace MiniKube.Sup.Daemon.Commands;

/// <summary>kubectl describe's layout (pkg/describe) for LimitRanges and ResourceQuotas, and for both as a namespace's
/// description lists them. kubectl shows no events for either.</summary>
internal static class QuotaDescription
{
    public static string LimitRange(V1LimitRange range)
    {
        var w = new DescribeWriter()
            .Write(0, $"Name:\t{range.Metadata.Name}\n")
            .Write(0, $"Namespace:\t{range.Metadata.NamespaceProperty ?? "default"}\n")
            .Write(0, "Type\tResource\tMin\tMax\tDefault Request\tDefault Limit\tMax Limit/Request Ratio\n")
            .Write(0, "----\t--------\t---\t---\t---------------\t-------------\t-----------------------\n");
        LimitRows(w, range, "");
        return w.ToString();
    }

    /// <summary>What kubectl describe namespace lists under the namespace (DescribeResourceQuotas, then
    /// DescribeLimitRanges): each quota's resources, used and hard, and every limit range's rows in one table.</summary>
    public static DescribeWriter InNamespace(DescribeWriter w, IReadOnlyList<V1ResourceQuota> quotas, IReadOnlyList<V1LimitRange> ranges)
    {
        w.Write(0, "\n");
        if (quotas.Count == 0) w.Write(0, "No resource quota.\n");
        else
        {
            w.Write(0, "Resource Quotas\n");
            foreach (var quota in quotas.OrderBy(q => q.Metadata.Name, StringComparer.Ordinal))
            {
                w.Write(1, $"Name:\t{quota.Metadata.Name}\n");
                if (quota.Spec?.Scopes is { Count: > 0 } scopes)
                {
                    var sorted = scopes.Order(StringComparer.Ordinal).ToList();
                    w.Write(1, $"Scopes:\t{string.Join(", ", sorted)}\n");
                    foreach (var help in sorted.Select(HelpText).Where(h => h.Length > 0)) w.Write(1, $"* {help}\n");
                }
                // k8s: three dashes under Used and Hard here, four in describe quota.
                w.Write(1, "Resource\tUsed\tHard\n").Write(1, "--------\t---\t---\n");
                var hard = quota.Status?.Hard ?? new Dictionary<string, ResourceQuantity>();
                foreach (var resource in hard.Keys.Order(StringComparer.Ordinal))
                    w.Write(1, $"{resource}\t{Value(quota.Status?.Used, resource, "0")}\t{hard[resource]}\n");
            }
        }
        w.Write(0, "\n");
        if (ranges.Count == 0) return w.Write(0, "No LimitRange resource.\n");
        w.Write(0, "Resource Limits\n Type\tResource\tMin\tMax\tDefault Request\tDefault Limit\tMax Limit/Request Ratio\n")
            .Write(0, " ----\t--------\t---\t---\t---------------\t-------------\t-----------------------\n");
        foreach (var range in ranges) LimitRows(w, range, " ");
        return w;
    }

    /// <summary>describeLimitRangeSpec: a row per limit and resource.</summary>
    private static void LimitRows(DescribeWriter w, V1LimitRange range, string prefix)
    {
        foreach (var item in range.Spec?.Limits ?? [])
        {
            // kubectl walks a Go map here, in no set order; sorted by resource name, one run reads like the next.
            var resources = new[] { item.Min, item.Max, item.DefaultRequest, item.DefaultProperty, item.MaxLimitRequestRatio }
                .SelectMany(m => m?.Keys ?? []).Distinct().Order(StringComparer.Ordinal);
            foreach (var resource in resources)
                w.Write(0, $"{prefix}{item.Type}\t{resource}\t{Value(item.Min, resource)}\t{Value(item.Max, resource)}\t{Value(item.DefaultRequest, resource)}\t"
                    + $"{Value(item.DefaultProperty, resource)}\t{Value(item.MaxLimitRequestRatio, resource)}\n");
        }
    }

    public static string ResourceQuota(V1ResourceQuota quota)
    {
        var w = new DescribeWriter()
            .Write(0, $"Name:\t{quota.Metadata.Name}\n")
            .Write(0, $"Namespace:\t{quota.Metadata.NamespaceProperty ?? "default"}\n");
        if (quota.Spec?.Scopes is { Count: > 0 } scopes)
        {
            var sorted = scopes.Order(StringComparer.Ordinal).ToList();
            w.Write(0, $"Scopes:\t{string.Join(", ", sorted)}\n");
            foreach (var help in sorted.Select(HelpText).Where(h => h.Length > 0)) w.Write(0, $" * {help}\n");
        }
        w.Write(0, "Resource\tUsed\tHard\n").Write(0, "--------\t----\t----\n");
        var hard = quota.Status?.Hard ?? new Dictionary<string, ResourceQuantity>();
        foreach (var resource in hard.Keys.Order(StringComparer.Ordinal))
            w.Write(0, $"{resource}\t{Value(quota.Status?.Used, resource, "0")}\t{hard[resource]}\n");
        return w.ToString();
    }

    private static string Value(IDictionary<string, ResourceQuantity>? map, string resource, string missing = "-") =>
        map?.TryGetValue(resource, out var q) == true ? q.ToString() : missing;

    /// <summary>helpTextForResourceQuotaScope.</summary>
    private static string HelpText(string scope) => scope switch
    {
        "Terminating" => "Matches all pods that have an active deadline. These pods have a limited lifespan on a node before being actively terminated by the system.",
        "NotTerminating" => "Matches all pods that do not have an active deadline. These pods usually include long running pods whose container command is not expected to terminate.",
        "BestEffort" => "Matches all pods that do not have resource requirements set. These pods have a best effort quality of service.",
        "NotBestEffort" => "Matches all pods that have at least one resource requirement set. These pods have a burstable or guaranteed quality of service.",
        _ => "",
    };
}

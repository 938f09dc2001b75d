using System.Globalization;
using System.Text.Json;

namespace MiniKube.Sup.Client.Output;

/// <summary>
/// <c>sup top --pods</c>: the PodMetricsList of metrics.k8s.io — the very figures <c>kubectl top pod</c> shows —
/// printed as kubectl prints them: CPU in millicores rounded up (resource.Quantity.MilliValue), memory in whole
/// mebibytes rounded down (Value() / 2^20).
/// </summary>
public static class PodUsageTable
{
    public static string Format(string podMetricsListJson) => Format(podMetricsListJson, TopSort.Name);

    /// <summary>The table, its pods ordered by <paramref name="sort"/> (kubectl top pod --sort-by cpu|memory).</summary>
    public static string Format(string podMetricsListJson, TopSort sort) => Format(Rows(podMetricsListJson), sort);

    /// <summary>How many pods the list holds.</summary>
    public static int Count(string podMetricsListJson) => Rows(podMetricsListJson).Count;

    private static string Format(List<(string Namespace, string Name, decimal Cpu, decimal Memory)> pods, TopSort sort)
    {
        if (pods.Count == 0) return "No pods are running.\n";
        var sorted = sort switch
        {
            TopSort.Cpu => pods.OrderByDescending(p => p.Cpu).ThenBy(p => p.Name, StringComparer.Ordinal),
            TopSort.Memory => pods.OrderByDescending(p => p.Memory).ThenBy(p => p.Name, StringComparer.Ordinal),
            _ => pods.OrderBy(p => p.Namespace, StringComparer.Ordinal).ThenBy(p => p.Name, StringComparer.Ordinal),
        };
        var rows = new List<string[]> { new[] { "NAMESPACE", "NAME", "CPU(cores)", "MEMORY(bytes)" } };
        foreach (var (ns, name, cpu, memory) in sorted)
            rows.Add([ns, name, Math.Ceiling(cpu * 1000).ToString(CultureInfo.InvariantCulture) + "m",
                Math.Floor(memory / (1024 * 1024)).ToString(CultureInfo.InvariantCulture) + "Mi"]);
        var widths = Enumerable.Range(0, 4).Select(i => rows.Max(r => r[i].Length)).ToArray();
        return string.Concat(rows.Select(r => string.Join("   ", r.Select((cell, i) => i == 3 ? cell : cell.PadRight(widths[i]))).TrimEnd() + "\n"));
    }

    private static List<(string Namespace, string Name, decimal Cpu, decimal Memory)> Rows(string podMetricsListJson)
    {
        using var doc = JsonDocument.Parse(podMetricsListJson);
        var pods = new List<(string, string, decimal, decimal)>();
        foreach (var item in doc.RootElement.GetProperty("items").EnumerateArray())
        {
            var meta = item.GetProperty("metadata");
            decimal cpu = 0, memory = 0;
            foreach (var c in item.GetProperty("containers").EnumerateArray())
            {
                var usage = c.GetProperty("usage");
                cpu += Quantity(usage.GetProperty("cpu").GetString() ?? "0");
                memory += Quantity(usage.GetProperty("memory").GetString() ?? "0");
            }
            pods.Add((meta.GetProperty("namespace").GetString() ?? "", meta.GetProperty("name").GetString() ?? "", cpu, memory));
        }
        return pods;
    }

    /// <summary>The value of a Kubernetes quantity in the forms metrics.k8s.io uses (n, u, m, none, Ki, Mi, Gi, k, M, G).</summary>
    public static decimal Quantity(string text)
    {
        (string Suffix, decimal Factor)[] suffixes =
            [("Ki", 1024m), ("Mi", 1024m * 1024), ("Gi", 1024m * 1024 * 1024), ("n", 1e-9m), ("u", 1e-6m), ("m", 1e-3m), ("k", 1e3m), ("M", 1e6m), ("G", 1e9m)];
        foreach (var (suffix, factor) in suffixes)
            if (text.EndsWith(suffix, StringComparison.Ordinal))
                return decimal.Parse(text[..^suffix.Length], NumberStyles.Float, CultureInfo.InvariantCulture) * factor;
        return decimal.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);
    }
}

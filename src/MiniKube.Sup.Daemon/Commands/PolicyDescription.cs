using System.Globalization;
using k8s.Models;
using MiniKube.Sup.Api;

namespace MiniKube.Sup.Daemon.Commands;

/// <summary>kubectl describe's layout (pkg/describe) for PodDisruptionBudgets and PriorityClasses. The events follow
/// (written by the caller).</summary>
internal static class PolicyDescription
{
    public static string DisruptionBudget(V1PodDisruptionBudget pdb)
    {
        List<(string, List<string>)> lines =
        [
            ("Name:", [pdb.Metadata.Name]),
            ("Namespace:", [pdb.Metadata.NamespaceProperty ?? "default"]),
        ];
        if (pdb.Spec?.MinAvailable is { } min) lines.Add(("Min available:", [min.Value]));
        else if (pdb.Spec?.MaxUnavailable is { } max) lines.Add(("Max unavailable:", [max.Value]));
        lines.Add(("Selector:", [pdb.Spec?.Selector is { } selector ? Tables.Selector(selector) : "<unset>"]));
        var status = pdb.Status;
        return ObjectDescription.Lines(lines) + "Status:\n" + ObjectDescription.Lines(
        [
            ("Allowed disruptions:", [Number(status?.DisruptionsAllowed)]),
            ("Current:", [Number(status?.CurrentHealthy)]),
            ("Desired:", [Number(status?.DesiredHealthy)]),
            ("Total:", [Number(status?.ExpectedPods)]),
        ], indent: 4);
    }

    public static DescribeWriter PriorityClass(V1PriorityClass c) => new DescribeWriter()
        .Write(0, $"Name:\t{c.Metadata.Name}\n")
        .Write(0, $"Value:\t{(c.Value ?? 0).ToString(CultureInfo.InvariantCulture)}\n")
        .Write(0, $"GlobalDefault:\t{(c.GlobalDefault == true ? "true" : "false")}\n")
        .Write(0, $"PreemptionPolicy:\t{c.PreemptionPolicy}\n")
        .Write(0, $"Description:\t{c.Description}\n")
        // labels.FormatLabels, on one line (not the multi-line annotations of other kinds).
        .Write(0, "Annotations:\t" + (c.Metadata.Annotations is { Count: > 0 } a
            ? string.Join(",", a.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{kv.Key}={kv.Value}")) : "<none>") + "\n");

    private static string Number(int? n) => (n ?? 0).ToString(CultureInfo.InvariantCulture);
}

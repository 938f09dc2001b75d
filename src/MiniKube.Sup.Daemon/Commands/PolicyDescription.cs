using System.Globalization;
using k8s.Models;
using MiniKube.Sup.Api;

namespace MiniKube.Sup.Daemon.Commands;

/// <summary>kubectl describe's layout (pkg/describe) for PodDisruptionBudgets. The events follow (written by the
/// caller).</summary>
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

    private static string Number(int? n) => (n ?? 0).ToString(CultureInfo.InvariantCulture);
}

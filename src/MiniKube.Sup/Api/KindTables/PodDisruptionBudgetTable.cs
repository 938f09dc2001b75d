using k8s.Models;

namespace MiniKube.Sup.Api.KindTables;

/// <summary>kubectl's poddisruptionbudget columns (printPodDisruptionBudget: N/A for the bound not set).</summary>
public static class PodDisruptionBudgetTable
{
    public static readonly KindTable Table = new(
    [
        Tables.Name,
        new("Min Available", "string", "", 0, "The minimum number of pods that must be available."),
        new("Max Unavailable", "string", "", 0, "The maximum number of pods that may be unavailable."),
        new("Allowed Disruptions", "integer", "", 0, "Calculated number of pods that may be disrupted at this time."),
        Tables.Age,
    ], (obj, now) =>
    {
        var pdb = (V1PodDisruptionBudget)obj;
        return
        [
            pdb.Metadata.Name,
            pdb.Spec?.MinAvailable?.Value ?? "N/A",
            pdb.Spec?.MaxUnavailable?.Value ?? "N/A",
            pdb.Status?.DisruptionsAllowed ?? 0,
            Tables.AgeOf(pdb, now),
        ];
    });
}

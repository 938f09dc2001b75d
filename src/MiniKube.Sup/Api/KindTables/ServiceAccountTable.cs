using k8s.Models;

namespace MiniKube.Sup.Api.KindTables;

/// <summary>kubectl's serviceaccount columns (printServiceAccount: NAME, SECRETS = its secrets listed, AGE).</summary>
public static class ServiceAccountTable
{
    public static readonly KindTable Table = new(
    [
        Tables.Name,
        new("Secrets", "string", "", 0, "Secrets is a list of the secrets in the same namespace that pods running using this ServiceAccount are allowed to use."),
        Tables.Age,
    ], (obj, now) =>
    {
        var sa = (V1ServiceAccount)obj;
        return [sa.Metadata.Name, sa.Secrets?.Count ?? 0, Tables.AgeOf(sa, now)];
    });
}

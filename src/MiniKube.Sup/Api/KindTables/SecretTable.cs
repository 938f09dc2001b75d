using k8s.Models;

namespace MiniKube.Sup.Api.KindTables;

/// <summary>kubectl's secret columns (printSecret: NAME, TYPE, DATA = its data keys, AGE).</summary>
public static class SecretTable
{
    public static readonly KindTable Table = new(
    [
        Tables.Name,
        new("Type", "string", "", 0, "The type of the secret."),
        new("Data", "integer", "", 0, "Number of data items in the secret."),
        Tables.Age,
    ], (obj, now) =>
    {
        var secret = (V1Secret)obj;
        var keys = (secret.Data?.Keys ?? []).Concat(secret.StringData?.Keys ?? []).Distinct(StringComparer.Ordinal).Count();
        return [secret.Metadata.Name, secret.Type ?? "Opaque", keys, Tables.AgeOf(secret, now)];
    });
}

using k8s.Models;

namespace MiniKube.Sup.Api.KindTables;

/// <summary>kubectl's namespace columns (printNamespace: NAME, STATUS, AGE).</summary>
public static class NamespaceTable
{
    public static readonly KindTable Table = new(
    [
        Tables.Name,
        new("Status", "string", "", 0, "The status of the namespace"),
        Tables.Age,
    ], (obj, now) =>
    {
        var ns = (V1Namespace)obj;
        return [ns.Metadata.Name, ns.Status?.Phase ?? "", Tables.AgeOf(ns, now)];
    });
}

using System.Globalization;

namespace MiniKube.Sup.Api.KindTables;

/// <summary>The API server's default table (rest.NewDefaultTableConvertor: NAME, CREATED AT as RFC 3339 UTC), what
/// `kubectl get` shows for the kinds that have no printer in printers.go: Role, ClusterRole, LimitRange.</summary>
public static class CreatedAtTable
{
    public static readonly KindTable Table = new(
    [
        Tables.Name,
        new("Created At", "date", "", 0, "CreationTimestamp is a timestamp representing the server time when this object was created."),
    ], (obj, _) =>
    [
        obj.Metadata.Name,
        (obj.Metadata.CreationTimestamp ?? DateTime.MinValue).ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
    ]);
}

using k8s.Models;

namespace MiniKube.Sup.Api.KindTables;

/// <summary>kubectl's endpoints columns (printEndpoints: the first three ready addresses, then "+ N more...").</summary>
public static class EndpointsTable
{
    public static readonly KindTable Table = new(
    [
        Tables.Name,
        new("Endpoints", "string", "", 0, "Endpoints of the service."),
        Tables.Age,
    ], (obj, now) =>
    {
        var ep = (V1Endpoints)obj;
        var all = new List<string>();
        foreach (var subset in ep.Subsets ?? [])
            foreach (var address in subset.Addresses ?? [])
                if (subset.Ports is not { Count: > 0 } ports) all.Add(address.Ip);
                else all.AddRange(ports.Select(p => $"{address.Ip}:{p.Port}"));
        var text = all.Count == 0 ? "<none>" : string.Join(",", all.Take(3)) + (all.Count > 3 ? $" + {all.Count - 3} more..." : "");
        return [ep.Metadata.Name, text, Tables.AgeOf(ep, now)];
    });
}

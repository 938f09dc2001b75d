using k8s.Models;

namespace MiniKube.Sup.Api.KindTables;

/// <summary>kubectl's resourcequota columns (printResourceQuota: "name: used/hard" for each resource of status.hard,
/// by name; those named limits.* under LIMIT). Nothing on one host fills the status, so both stay empty unless the
/// object carries one.</summary>
public static class ResourceQuotaTable
{
    public static readonly KindTable Table = new(
    [
        Tables.Name,
        new("Request", "string", "", 0, "Request represents a minimum amount of cpu/memory that a container may consume."),
        new("Limit", "string", "", 0, "Limits control the maximum amount of cpu/memory that a container may use independent of contention on the node."),
        Tables.Age,
    ], (obj, now) =>
    {
        var quota = (V1ResourceQuota)obj;
        var requests = new List<string>();
        var limits = new List<string>();
        var used = quota.Status?.Used ?? new Dictionary<string, ResourceQuantity>();
        foreach (var (name, hard) in (quota.Status?.Hard ?? new Dictionary<string, ResourceQuantity>()).OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            var text = $"{name}: {(used.TryGetValue(name, out var u) ? u.ToString() : "0")}/{hard}";
            (name.Split('.') is [ "limits", _, .. ] ? limits : requests).Add(text);
        }
        return [quota.Metadata.Name, string.Join(", ", requests), string.Join(", ", limits), Tables.AgeOf(quota, now)];
    });
}

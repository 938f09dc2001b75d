using System.Globalization;
using System.Text;
using k8s.Models;
using MiniKube.Sup.Spec;

namespace MiniKube.Sup.Volumes;

/// <summary>
/// The downward API (k8s pkg/fieldpath and the downwardAPI volume plugin): a pod's fields and a container's
/// resources as values, for environment variables and for the files of downwardAPI and projected volumes.
/// </summary>
public static class DownwardApi
{
    /// <summary>The value of a field a host process or a volume can be given; null when the path names none.</summary>
    public static string? FieldValue(V1Pod pod, string path, string? podIp)
    {
        switch (path)
        {
            case "metadata.name": return pod.Metadata.Name;
            case "metadata.namespace": return pod.Metadata.NamespaceProperty ?? "default";
            case "metadata.uid": return pod.Metadata.Uid;
            case "metadata.labels": return FormatMap(pod.Metadata.Labels);
            case "metadata.annotations": return FormatMap(pod.Metadata.Annotations);
            case "status.podIP": return podIp ?? "";
            case "status.hostIP": return "127.0.0.1";
            case "spec.nodeName": return Environment.MachineName;
            case "spec.serviceAccountName": return pod.Spec.ServiceAccountName ?? "default";
        }
        var match = DownwardApiFields.MapField().Match(path);
        if (!match.Success) return null;
        var map = match.Groups[1].Value == "labels" ? pod.Metadata.Labels : pod.Metadata.Annotations;
        return map is not null && map.TryGetValue(match.Groups[2].Value, out var value) ? value : "";
    }

    /// <summary>A container's resource as k8s gives it (fieldpath.ExtractContainerResourceValue): its limit, else
    /// the node's allocatable (here: this host's cores and memory); a request, else its limit's default of 0; divided
    /// by the divisor and rounded up. Null when the resource is not one of limits/requests.cpu/memory/ephemeral-storage.</summary>
    public static string? ResourceValue(V1Container container, string resource, ResourceQuantity? divisor)
    {
        var limits = container.Resources?.Limits;
        var requests = container.Resources?.Requests;
        var (kind, name) = resource.Split('.', 2) switch { [var k, var n] => (k, n), _ => ("", "") };
        if (kind is not ("limits" or "requests") || name is not ("cpu" or "memory" or "ephemeral-storage")) return null;
        var own = kind == "limits" ? Get(limits, name) : Get(requests, name) ?? Get(limits, name);
        if (name == "cpu")
        {
            var millis = own is not null ? Millis(own) : kind == "limits" ? Environment.ProcessorCount * 1000m : 0m;
            var per = divisor is null ? 1000m : Millis(divisor);
            return Ceiling(millis / (per == 0 ? 1000m : per));
        }
        var bytes = own is not null ? own.ToDecimal() : kind == "limits" ? NodeAllocatable(name) : 0m;
        var by = divisor?.ToDecimal() is > 0 and var d ? d : 1m;
        return Ceiling(bytes / by);
    }

    /// <summary>k8s FormatMap: one <c>key="value"</c> line per entry, sorted by key, the value quoted as Go's %q.</summary>
    public static string FormatMap(IDictionary<string, string>? map)
    {
        var text = new StringBuilder();
        foreach (var (key, value) in (map ?? new Dictionary<string, string>()).OrderBy(e => e.Key, StringComparer.Ordinal))
            text.Append(key).Append('=').Append(GoQuote(value)).Append('\n');
        return text.ToString();
    }

    private static ResourceQuantity? Get(IDictionary<string, ResourceQuantity>? map, string name) =>
        map is not null && map.TryGetValue(name, out var q) ? q : null;

    private static decimal Millis(ResourceQuantity q) => q.ToDecimal() * 1000m;

    private static string Ceiling(decimal value) => decimal.Ceiling(value).ToString(CultureInfo.InvariantCulture);

    private static decimal NodeAllocatable(string name) =>
        name == "memory" ? GC.GetGCMemoryInfo().TotalAvailableMemoryBytes : new DriveInfo("/").TotalSize;

    private static string GoQuote(string s)
    {
        var text = new StringBuilder("\"");
        foreach (var c in s)
        {
            text.Append(c switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                '\n' => "\\n",
                '\t' => "\\t",
                '\r' => "\\r",
                < ' ' => $"\\x{(int)c:x2}",
                _ => c.ToString(),
            });
        }
        return text.Append('"').ToString();
    }
}

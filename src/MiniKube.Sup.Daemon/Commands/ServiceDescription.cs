using System.Text;
using k8s.Models;
using MiniKube.Sup.Printing;
using MiniKube.Sup.Services;
using MiniKube.Sup.Spec;

namespace MiniKube.Sup.Daemon.Commands;

/// <summary>kubectl describe service's layout, and what only sup knows: where its proxy listens, or why it does not
/// (the Service's <see cref="ServiceListening"/> condition).</summary>
internal static class ServiceDescription
{
    // kubectl pads every label to its longest, "Internal Traffic Policy:", plus two.
    private const int Width = 26;

    public static string Describe(V1Service service, V1Endpoints? endpoints)
    {
        var t = new StringBuilder();
        var spec = service.Spec ?? new V1ServiceSpec();
        Line(t, "Name:", service.Metadata.Name);
        Line(t, "Namespace:", service.Metadata.NamespaceProperty ?? "default");
        Line(t, "Labels:", Map(service.Metadata.Labels));
        Line(t, "Annotations:", Map(service.Metadata.Annotations));
        Line(t, "Selector:", spec.Selector is { Count: > 0 } s ? string.Join(",", s.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{kv.Key}={kv.Value}")) : "<none>");
        Line(t, "Type:", spec.Type ?? "ClusterIP");
        Line(t, "IP Family Policy:", spec.IpFamilyPolicy ?? "SingleStack");
        Line(t, "IP Families:", spec.IpFamilies is { Count: > 0 } f ? string.Join(",", f) : "IPv4");
        var ip = ServiceAddress.Of(service)?.ToString() ?? "None";
        Line(t, "IP:", ip);
        Line(t, "IPs:", ip);
        foreach (var port in spec.Ports ?? [])
        {
            var protocol = port.Protocol ?? "TCP";
            Line(t, "Port:", $"{port.Name ?? "<unset>"}  {port.Port}/{protocol}");
            Line(t, "TargetPort:", $"{port.TargetPort?.Value ?? port.Port.ToString(System.Globalization.CultureInfo.InvariantCulture)}/{protocol}");
            Line(t, "Endpoints:", Endpoints(endpoints, port));
        }
        Line(t, "Session Affinity:", spec.SessionAffinity ?? "None");
        Line(t, "Internal Traffic Policy:", spec.InternalTrafficPolicy ?? "Cluster");
        if (ServiceListening.Of(service) is { } listening) Line(t, "Listening:", listening.Status == "True" ? listening.Message ?? "" : $"no: {listening.Message}");
        else if (ip == "None") Line(t, "Listening:", "nothing (headless: clients dial the pods)");
        return t.ToString();
    }

    /// <summary>The Ready addresses with the port this Service port targets, as kubectl lists them.</summary>
    private static string Endpoints(V1Endpoints? endpoints, V1ServicePort port)
    {
        var found = new List<string>();
        foreach (var subset in endpoints?.Subsets ?? [])
        {
            var target = subset.Ports?.FirstOrDefault(p => p.Name == port.Name) ?? (subset.Ports is { Count: 1 } one ? one[0] : null);
            if (target is null) continue;
            foreach (var address in subset.Addresses ?? []) found.Add($"{address.Ip}:{target.Port}");
        }
        return found.Count == 0 ? "<none>" : string.Join(",", found);
    }

    private static void Line(StringBuilder t, string label, string value) =>
        t.Append(label.PadRight(Width)).Append(ControlCharacters.EscapeKeepingLines(value)).Append('\n');

    private static string Map(IDictionary<string, string>? map) =>
        map is { Count: > 0 } ? string.Join("\n" + new string(' ', Width), map.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => ControlCharacters.Escape($"{kv.Key}={kv.Value}"))) : "<none>";
}

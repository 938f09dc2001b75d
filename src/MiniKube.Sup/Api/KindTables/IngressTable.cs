using k8s.Models;

namespace MiniKube.Sup.Api.KindTables;

/// <summary>kubectl's ingress columns (printIngress: HOSTS the first three rule hosts, * when none; ADDRESS the
/// load-balancer IPs or hostnames, sorted; PORTS "80, 443" with TLS).</summary>
public static class IngressTable
{
    public static readonly KindTable Table = new(
    [
        Tables.Name,
        new("Class", "string", "", 0, "The name of the IngressClass resource that should be used for additional configuration"),
        new("Hosts", "string", "", 0, "Hosts that incoming requests are matched against before the ingress rule"),
        new("Address", "string", "", 0, "Address is a list containing ingress points for the load-balancer"),
        new("Ports", "string", "", 0, "Ports of TLS configurations that open"),
        Tables.Age,
    ], (obj, now) =>
    {
        var ingress = (V1Ingress)obj;
        var rules = ingress.Spec?.Rules ?? [];
        var hosts = new List<string>();
        var more = false;
        foreach (var rule in rules)
        {
            if (hosts.Count == 3) more = true;
            if (!more && !string.IsNullOrEmpty(rule.Host)) hosts.Add(rule.Host);
        }
        var hostText = hosts.Count == 0 ? "*" : string.Join(",", hosts) + (more ? $" + {rules.Count - 3} more..." : "");
        var address = (ingress.Status?.LoadBalancer?.Ingress ?? [])
            .Select(i => !string.IsNullOrEmpty(i.Ip) ? i.Ip : i.Hostname)
            .Where(a => !string.IsNullOrEmpty(a)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal);
        return
        [
            ingress.Metadata.Name,
            ingress.Spec?.IngressClassName ?? "<none>",
            hostText,
            string.Join(",", address),
            ingress.Spec?.Tls is { Count: > 0 } ? "80, 443" : "80",
            Tables.AgeOf(ingress, now),
        ];
    });
}

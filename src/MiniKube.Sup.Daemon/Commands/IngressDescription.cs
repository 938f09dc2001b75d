using System.Globalization;
using k8s.Models;

namespace MiniKube.Sup.Daemon.Commands;

/// <summary>kubectl describe's layout (pkg/describe) for Ingresses and IngressClasses. The events follow (written by
/// the caller).</summary>
internal static class IngressDescription
{
    /// <param name="services">the namespace's Services by name</param>
    /// <param name="endpoints">the namespace's Endpoints by name: a backend shows its ready addresses, as kubectl
    /// shows them from EndpointSlices (which sup does not serve)</param>
    public static DescribeWriter Ingress(V1Ingress ing, IReadOnlyDictionary<string, V1Service> services, IReadOnlyDictionary<string, V1Endpoints> endpoints)
    {
        var spec = ing.Spec ?? new V1IngressSpec();
        // ingressLoadBalancerStatusStringerV1 (wide): IPs or host names, sorted, each once.
        var address = string.Join(",", (ing.Status?.LoadBalancer?.Ingress ?? [])
            .Select(i => !string.IsNullOrEmpty(i.Ip) ? i.Ip : i.Hostname).Where(a => !string.IsNullOrEmpty(a)).Distinct().Order(StringComparer.Ordinal));
        var defaultBackend = spec.DefaultBackend is { } d ? Backend(d, services, endpoints) : "<default>";
        var w = new DescribeWriter()
            .Write(0, $"Name:\t{ing.Metadata.Name}\n")
            .Labels("Labels", ing.Metadata.Labels)
            .Write(0, $"Namespace:\t{ing.Metadata.NamespaceProperty ?? "default"}\n")
            .Write(0, $"Address:\t{address}\n")
            .Write(0, $"Ingress Class:\t{spec.IngressClassName ?? "<none>"}\n")
            .Write(0, $"Default backend:\t{defaultBackend}\n");
        if (spec.Tls is { Count: > 0 } tls)
        {
            w.Write(0, "TLS:\n");
            foreach (var t in tls)
                w.Write(1, string.IsNullOrEmpty(t.SecretName) ? $"SNI routes {string.Join(",", t.Hosts ?? [])}\n" : $"{t.SecretName} terminates {string.Join(",", t.Hosts ?? [])}\n");
        }
        w.Write(0, "Rules:\n  Host\tPath\tBackends\n").Write(1, "----\t----\t--------\n");
        var count = 0;
        foreach (var rule in spec.Rules ?? [])
        {
            if (rule.Http is null) continue;
            count++;
            w.Write(1, $"{(string.IsNullOrEmpty(rule.Host) ? "*" : rule.Host)}\t\n");
            foreach (var path in rule.Http.Paths ?? [])
                w.Write(2, $"\t{path.Path} \t{Backend(path.Backend, services, endpoints)}\n");
        }
        if (count == 0) w.Write(1, $"*\t*\t{defaultBackend}\n");
        return w.Annotations("Annotations", ing.Metadata.Annotations);
    }

    public static DescribeWriter IngressClass(V1IngressClass c)
    {
        var w = new DescribeWriter()
            .Write(0, $"Name:\t{c.Metadata.Name}\n")
            .Labels("Labels", c.Metadata.Labels)
            .Annotations("Annotations", c.Metadata.Annotations)
            .Write(0, $"Controller:\t{c.Spec?.Controller}\n");
        if (c.Spec?.Parameters is { } parameters)
        {
            w.Write(0, "Parameters:\n");
            if (parameters.ApiGroup is { } group) w.Write(1, $"APIGroup:\t{group}\n");
            w.Write(1, $"Kind:\t{parameters.Kind}\n").Write(1, $"Name:\t{parameters.Name}\n");
        }
        return w;
    }

    /// <summary>describeBackendV1: "service:port (ready endpoints)", or a resource backend's group, kind and name.</summary>
    private static string Backend(V1IngressBackend backend, IReadOnlyDictionary<string, V1Service> services, IReadOnlyDictionary<string, V1Endpoints> endpoints)
    {
        if (backend.Service is { } target)
        {
            var number = target.Port?.Number ?? 0;
            var text = $"{target.Name}:{(number != 0 ? number.ToString(CultureInfo.InvariantCulture) : target.Port?.Name)}";
            if (!services.TryGetValue(target.Name, out var service)) return $"{text} (<error: services \"{target.Name}\" not found>)";
            // The Service port the backend names (by number or name): its endpoints' ports carry the same name.
            var portName = "";
            foreach (var p in service.Spec?.Ports ?? [])
                if ((number != 0 && number == p.Port) || (!string.IsNullOrEmpty(target.Port?.Name) && target.Port.Name == p.Name)) portName = p.Name ?? "";
            return $"{text} ({(endpoints.TryGetValue(target.Name, out var e) ? Addresses(e, portName) : "<none>")})";
        }
        if (backend.Resource is { } resource) return $"APIGroup: {resource.ApiGroup ?? "<none>"}, Kind: {resource.Kind}, Name: {resource.Name}";
        return "";
    }

    /// <summary>formatEndpointSlices: the first three ready address:port pairs of the named port, then "+ N more...".</summary>
    private static string Addresses(V1Endpoints endpoints, string portName)
    {
        const int max = 3;
        var all = (endpoints.Subsets ?? [])
            .SelectMany(s => (s.Ports ?? []).Where(p => (p.Name ?? "") == portName)
                .SelectMany(p => (s.Addresses ?? []).Select(a => $"{(a.Ip.Contains(':') ? $"[{a.Ip}]" : a.Ip)}:{p.Port.ToString(CultureInfo.InvariantCulture)}")))
            .ToList();
        return all.Count > max ? $"{string.Join(",", all.Take(max))} + {all.Count - max} more..." : string.Join(",", all);
    }
}

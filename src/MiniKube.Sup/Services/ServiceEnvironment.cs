using System.Globalization;
using k8s.Models;
using MiniKube.Sup.Spec;

namespace MiniKube.Sup.Services;

/// <summary>
/// Kubernetes' service environment variables (kubelet envvars.FromServices): for every Service of the pod's namespace
/// with a cluster IP (kubelet getServiceEnvVarMap; the API's <c>kubernetes</c> Service in every namespace),
/// <c>&lt;NAME&gt;_SERVICE_HOST</c>, <c>&lt;NAME&gt;_SERVICE_PORT</c> (first port), <c>_SERVICE_PORT_&lt;PORTNAME&gt;</c>
/// per named port, and the Docker link variables <c>&lt;NAME&gt;_PORT</c>, <c>&lt;NAME&gt;_PORT_&lt;port&gt;_TCP</c>
/// (<c>_PROTO</c>, <c>_PORT</c>, <c>_ADDR</c>). NAME is the Service name upper-cased with '-' → '_'. The host is
/// the address the Service's proxy listens on, or for a pod with a network namespace of its own the address it
/// reaches the Service at (<see cref="ServiceAddress.InPods"/>).
/// </summary>
public static class ServiceEnvironment
{
    /// <param name="api">where the daemon serves its API on TCP: the <c>kubernetes</c> Service's variables
    /// (KUBERNETES_SERVICE_HOST...) point there, or, in an isolated pod, at <see cref="ServiceAddress.ApiInPods"/></param>
    /// <param name="podNamespace">the pod's namespace: only its Services give variables</param>
    public static Dictionary<string, string> Variables(IEnumerable<V1Service> services, bool isolated = false, System.Net.IPEndPoint? api = null,
        string podNamespace = "default")
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        if (api is not null) Add(result, "kubernetes", isolated ? ServiceAddress.ApiInPods : api, "https");
        var all = services.ToList();
        var inPods = isolated ? ServiceAddress.InPods(all) : null;
        foreach (var service in all.Where(s => (s.Metadata.NamespaceProperty ?? "default") == podNamespace).OrderBy(s => s.Metadata.Name, StringComparer.Ordinal))
        {
            if (ServiceAddress.Of(service) is not { } address || service.Spec?.Ports is not { Count: > 0 } ports) continue;
            var host = (inPods?[ServiceAddress.KeyOf(service)] ?? address).ToString();
            var prefix = Name(service.Metadata.Name);
            result[prefix + "_SERVICE_HOST"] = host;
            result[prefix + "_SERVICE_PORT"] = Text(ports[0].Port);
            foreach (var p in ports.Where(p => !string.IsNullOrEmpty(p.Name)))
                result[prefix + "_SERVICE_PORT_" + Name(p.Name)] = Text(p.Port);
            for (var i = 0; i < ports.Count; i++)
            {
                var p = ports[i];
                var protocol = string.IsNullOrEmpty(p.Protocol) ? "TCP" : p.Protocol;
                var url = $"{protocol.ToLowerInvariant()}://{host}:{Text(p.Port)}";
                if (i == 0) result[prefix + "_PORT"] = url; // Docker special-cases the first port
                var portPrefix = $"{prefix}_PORT_{Text(p.Port)}_{protocol.ToUpperInvariant()}";
                result[portPrefix] = url;
                result[portPrefix + "_PROTO"] = protocol.ToLowerInvariant();
                result[portPrefix + "_PORT"] = Text(p.Port);
                result[portPrefix + "_ADDR"] = host;
            }
        }
        return result;
    }

    /// <summary>One Service's variables, for a Service of one port.</summary>
    private static void Add(Dictionary<string, string> result, string service, System.Net.IPEndPoint at, string portName)
    {
        var prefix = Name(service);
        var host = at.Address.ToString();
        var port = Text(at.Port);
        var url = $"tcp://{host}:{port}";
        result[prefix + "_SERVICE_HOST"] = host;
        result[prefix + "_SERVICE_PORT"] = port;
        result[prefix + "_SERVICE_PORT_" + Name(portName)] = port;
        result[prefix + "_PORT"] = url;
        result[$"{prefix}_PORT_{port}_TCP"] = url;
        result[$"{prefix}_PORT_{port}_TCP_PROTO"] = "tcp";
        result[$"{prefix}_PORT_{port}_TCP_PORT"] = port;
        result[$"{prefix}_PORT_{port}_TCP_ADDR"] = host;
    }

    private static string Name(string s) => s.Replace('-', '_').ToUpperInvariant();

    private static string Text(int n) => n.ToString(CultureInfo.InvariantCulture);
}

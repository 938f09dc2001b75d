using System.Net;
using k8s.Models;

namespace MiniKube.Sup.Spec;

/// <summary>
/// k8s cluster DNS for Services, as /etc/hosts entries of a pod (nothing serves DNS here): every Service is
/// <c>name.ns</c>, <c>name.ns.svc</c> and <c>name.ns.svc.cluster.local</c>, and a Service of the pod's own
/// namespace is also plain <c>name</c> (the pod's DNS search path), each at the Service's address. A headless
/// Service has no address and an ExternalName Service is a DNS alias: neither has an entry of its own; a pod whose
/// hostname and subdomain name a headless Service of its namespace (a StatefulSet's pods and their governing Service)
/// is <c>hostname.svc</c>, <c>hostname.svc.ns</c>, <c>hostname.svc.ns.svc</c> and <c>...svc.cluster.local</c> at its
/// pod IP, as cluster DNS answers (the first only from its own namespace).
/// </summary>
public static class ServiceHostNames
{
    public const string ClusterDomain = "cluster.local";

    /// <param name="podNamespace">the pod's namespace: its Services answer to their bare name</param>
    /// <param name="isolated">the pod has a network namespace of its own: each Service is at the address pods
    /// reach it at (<see cref="ServiceAddress.InPods"/>), not at the host's 127.0.0.1, which there is the pod's own</param>
    /// <param name="pods">the pods that may answer to a name under a headless Service (with a pod IP)</param>
    public static IReadOnlyList<(string Name, IPAddress Address)> For(string podNamespace, IEnumerable<V1Service> services, bool isolated,
        IEnumerable<V1Pod>? pods = null)
    {
        var entries = new List<(string, IPAddress)>();
        var all = services.ToList();
        var inPods = isolated ? ServiceAddress.InPods(all) : null;
        foreach (var service in all.OrderBy(s => s.Metadata.NamespaceProperty ?? "default", StringComparer.Ordinal).ThenBy(s => s.Metadata.Name, StringComparer.Ordinal))
        {
            if (service.Spec?.Type == "ExternalName" || ServiceAddress.Of(service) is not { } hostAddress) continue;
            var address = inPods?[ServiceAddress.KeyOf(service)] ?? hostAddress;
            var name = service.Metadata.Name;
            var ns = service.Metadata.NamespaceProperty ?? "default";
            if (ns == podNamespace) entries.Add((name, address));
            entries.Add(($"{name}.{ns}", address));
            entries.Add(($"{name}.{ns}.svc", address));
            entries.Add(($"{name}.{ns}.svc.{ClusterDomain}", address));
        }
        if (pods is null || !AnyHeadless(all)) return entries;
        var headless = all.Where(IsHeadless).Select(s => (s.Metadata.NamespaceProperty ?? "default", s.Metadata.Name)).ToHashSet();
        foreach (var pod in pods.OrderBy(p => p.Metadata.NamespaceProperty ?? "default", StringComparer.Ordinal).ThenBy(p => p.Metadata.Name, StringComparer.Ordinal))
        {
            var ns = pod.Metadata.NamespaceProperty ?? "default";
            if (pod.Spec?.Hostname is not { Length: > 0 } host || pod.Spec.Subdomain is not { Length: > 0 } subdomain
                || !headless.Contains((ns, subdomain)) || !IPAddress.TryParse(pod.Status?.PodIP, out var ip)
                || pod.Status.Phase is "Succeeded" or "Failed") continue;
            if (ns == podNamespace) entries.Add(($"{host}.{subdomain}", ip));
            entries.Add(($"{host}.{subdomain}.{ns}", ip));
            entries.Add(($"{host}.{subdomain}.{ns}.svc", ip));
            entries.Add(($"{host}.{subdomain}.{ns}.svc.{ClusterDomain}", ip));
        }
        return entries;
    }

    /// <summary>Some Service is headless: only then may a pod answer to a name of its own.</summary>
    public static bool AnyHeadless(IEnumerable<V1Service> services) => services.Any(IsHeadless);

    private static bool IsHeadless(V1Service s) => s.Spec?.ClusterIP == "None" && s.Spec.Type != "ExternalName";
}

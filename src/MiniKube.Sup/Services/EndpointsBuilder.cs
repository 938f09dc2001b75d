using System.Globalization;
using System.Net;
using k8s.Models;
using MiniKube.Sup.Pods;
using MiniKube.Sup.Spec;

namespace MiniKube.Sup.Services;

/// <summary>
/// A Service's endpoints from its pods (the endpoints controller): pods its selector matches, excluded when
/// terminal, without an IP, or terminating (kept with publishNotReadyAddresses, k8s ShouldPodBeInEndpoints);
/// Ready pods (or all, with publishNotReadyAddresses) are addresses, the others notReadyAddresses. A named
/// targetPort is resolved per pod against its containers' ports; a pod without that port is left out of it.
/// </summary>
public static class EndpointsBuilder
{
    public sealed record Result(V1Endpoints Endpoints, IReadOnlyList<(int Port, IReadOnlyList<Backend> Backends)> Ready);

    public static bool Selects(V1Service service, V1Pod pod)
    {
        // k8s: a Service without a selector selects no pod (its endpoints are someone else's to write).
        // k8s: only pods of the Service's own namespace.
        var selector = service.Spec?.Selector;
        return selector is { Count: > 0 } && (service.Metadata.NamespaceProperty ?? "default") == (pod.Metadata.NamespaceProperty ?? "default")
            && LabelSelector.FromMap(selector).Matches(pod.Metadata.Labels);
    }

    public static Result Build(V1Service service, IEnumerable<V1Pod> pods)
    {
        var publishNotReady = service.Spec?.PublishNotReadyAddresses == true;
        var ports = (service.Spec?.Ports ?? []).Where(p => (p.Protocol ?? "TCP") == "TCP").ToList();
        var subsets = new Dictionary<string, (List<Corev1EndpointPort> Ports, List<V1EndpointAddress> Ready, List<V1EndpointAddress> NotReady)>(StringComparer.Ordinal);
        var backends = ports.Select(_ => new List<Backend>()).ToList();

        foreach (var pod in pods.Where(p => Selects(service, p)).OrderBy(p => Sortable(p.Status?.PodIP)))
        {
            if (PodPhases.IsTerminal(pod.Status?.Phase) || string.IsNullOrEmpty(pod.Status?.PodIP)) continue;
            if (pod.Metadata.DeletionTimestamp is not null && !publishNotReady) continue;
            var ready = publishNotReady || pod.Status?.Conditions?.Any(c => c.Type == "Ready" && c.Status == "True") == true;
            var resolved = new List<Corev1EndpointPort>();
            for (var i = 0; i < ports.Count; i++)
            {
                if (TargetPort(ports[i], pod) is not { } number) continue;
                resolved.Add(new Corev1EndpointPort { Name = ports[i].Name, Port = number, Protocol = "TCP" });
                if (ready) backends[i].Add(new Backend(pod.Metadata.Name, pod.Status!.PodIP, number));
            }
            if (resolved.Count == 0 && ports.Count > 0) continue;
            var address = new V1EndpointAddress
            {
                Ip = pod.Status!.PodIP,
                NodeName = pod.Spec?.NodeName,
                Hostname = pod.Spec?.Hostname is { Length: > 0 } h && pod.Spec.Subdomain == service.Metadata.Name ? h : null,
                TargetRef = new V1ObjectReference { Kind = Kinds.Pod.Kind, Name = pod.Metadata.Name, NamespaceProperty = pod.Metadata.NamespaceProperty ?? "default", Uid = pod.Metadata.Uid },
            };
            // k8s RepackSubsets: addresses with the same ports share a subset.
            var key = string.Join(",", resolved.Select(p => $"{p.Name}/{p.Port}"));
            if (!subsets.TryGetValue(key, out var subset)) subsets[key] = subset = (resolved, [], []);
            (ready ? subset.Ready : subset.NotReady).Add(address);
        }

        var endpoints = new V1Endpoints
        {
            ApiVersion = Kinds.Endpoints.ApiVersion,
            Kind = Kinds.Endpoints.Kind,
            Metadata = new V1ObjectMeta
            {
                Name = service.Metadata.Name,
                NamespaceProperty = service.Metadata.NamespaceProperty ?? "default",
                Labels = service.Metadata.Labels is { Count: > 0 } labels ? new Dictionary<string, string>(labels) : null,
                CreationTimestamp = service.Metadata.CreationTimestamp,
            },
            Subsets = subsets.Count == 0 ? null : subsets.Values.Select(s => new V1EndpointSubset
            {
                Addresses = s.Ready.Count == 0 ? null : s.Ready,
                NotReadyAddresses = s.NotReady.Count == 0 ? null : s.NotReady,
                Ports = s.Ports,
            }).ToList(),
        };
        return new Result(endpoints, ports.Select((p, i) => (p.Port, (IReadOnlyList<Backend>)backends[i])).ToList());
    }

    /// <summary>k8s podutil.FindPort: a number as is; a name looked up among the pod's container ports.</summary>
    public static int? TargetPort(V1ServicePort port, V1Pod pod)
    {
        var target = port.TargetPort?.Value;
        if (string.IsNullOrEmpty(target)) return port.Port;
        if (int.TryParse(target, NumberStyles.None, CultureInfo.InvariantCulture, out var number)) return number;
        foreach (var c in pod.Spec?.Containers ?? [])
            foreach (var p in c.Ports ?? [])
                if (p.Name == target && (p.Protocol ?? "TCP") == (port.Protocol ?? "TCP")) return p.ContainerPort;
        return null;
    }

    private static long Sortable(string? ip) =>
        IPAddress.TryParse(ip, out var a) && a.GetAddressBytes() is { Length: 4 } b ? ((long)b[0] << 24) | ((long)b[1] << 16) | ((long)b[2] << 8) | b[3] : long.MaxValue;
}

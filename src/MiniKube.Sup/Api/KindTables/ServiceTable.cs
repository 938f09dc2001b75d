using k8s.Models;
using MiniKube.Sup.Spec;

namespace MiniKube.Sup.Api.KindTables;

/// <summary>kubectl's service columns (printService). CLUSTER-IP is where sup's proxy listens.</summary>
public static class ServiceTable
{
    public static readonly KindTable Table = new(
    [
        Tables.Name,
        new("Type", "string", "", 0, "The type of the service."),
        new("Cluster-IP", "string", "", 0, "The IP address of the service."),
        new("External-IP", "string", "", 0, "The external IP address of the service."),
        new("Port(s)", "string", "", 0, "The port(s) of service."),
        Tables.Age,
        new("Selector", "string", "", 1, "Route service traffic to pods with label keys and values matching this selector."),
    ], (obj, now) =>
    {
        var svc = (V1Service)obj;
        var ports = svc.Spec?.Ports is { Count: > 0 } list
            ? string.Join(",", list.Select(p => p.NodePort is { } node and > 0 ? $"{p.Port}:{node}/{p.Protocol ?? "TCP"}" : $"{p.Port}/{p.Protocol ?? "TCP"}"))
            : "<none>";
        var selector = svc.Spec?.Selector is { Count: > 0 } s ? string.Join(",", s.Select(kv => $"{kv.Key}={kv.Value}")) : "<none>";
        return
        [
            svc.Metadata.Name,
            svc.Spec?.Type ?? "ClusterIP",
            ServiceAddress.Of(svc)?.ToString() ?? "None",
            svc.Spec?.ExternalIPs is { Count: > 0 } external ? string.Join(",", external) : "<none>",
            ports,
            Tables.AgeOf(svc, now),
            selector,
        ];
    });
}

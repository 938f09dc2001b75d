using System.Net;
using k8s.Models;
using MiniKube.Sup.Spec;

namespace MiniKube.Sup.Tests.Spec;

public sealed class ServiceHostNamesTests
{
    private static V1Service Service(string name, string? clusterIp, string? ns = null, string? type = null) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns },
        Spec = new V1ServiceSpec { ClusterIP = clusterIp, Type = type, Ports = [new V1ServicePort { Port = 80 }] },
    };

    private static List<string> Lines(IReadOnlyList<(string Name, IPAddress Address)> entries) => entries.Select(e => $"{e.Address} {e.Name}").ToList();

    [Fact]
    public void A_service_answers_to_its_cluster_dns_names_and_in_the_pods_namespace_to_its_bare_name()
    {
        var entries = ServiceHostNames.For("default", [Service("web", "127.0.0.5")], isolated: true);
        Assert.Equal(
            ["127.0.0.5 web", "127.0.0.5 web.default", "127.0.0.5 web.default.svc", "127.0.0.5 web.default.svc.cluster.local"],
            Lines(entries));
    }

    [Fact]
    public void A_service_of_another_namespace_has_no_bare_name()
    {
        var entries = ServiceHostNames.For("default", [Service("db", "127.0.0.6", ns: "data")], isolated: true);
        Assert.Equal(["127.0.0.6 db.data", "127.0.0.6 db.data.svc", "127.0.0.6 db.data.svc.cluster.local"], Lines(entries));
    }

    [Fact]
    public void The_bare_name_is_the_pods_own_namespaces_service_when_two_namespaces_share_a_name()
    {
        var entries = ServiceHostNames.For("data", [Service("db", "127.0.0.6", ns: "data"), Service("db", "127.0.0.7")], isolated: true);
        Assert.Equal("127.0.0.6", Assert.Single(entries, e => e.Name == "db").Address.ToString());
    }

    [Fact]
    public void Headless_and_external_name_services_have_no_entry()
    {
        Assert.Empty(ServiceHostNames.For("default", [Service("peers", "None"), Service("ext", null, type: "ExternalName")], isolated: false));
    }

    [Fact]
    public void A_service_on_127_0_0_1_is_named_at_127_0_0_1_for_host_pods_and_at_its_address_in_pods_for_pods_whose_127_0_0_1_is_their_own()
    {
        var service = Service("web", clusterIp: null); // the proxy listens on 127.0.0.1
        Assert.Equal("127.0.0.1", ServiceHostNames.For("default", [service], isolated: false)[0].Address.ToString());
        var inPods = ServiceHostNames.For("default", [service], isolated: true);
        Assert.Equal(4, inPods.Count);
        Assert.All(inPods, e => Assert.Equal(ServiceAddress.InPods([service])["default/web"], e.Address));
        Assert.True(ServiceAddress.PodRange.Contains(inPods[0].Address));
    }

    [Fact]
    public void A_StatefulSet_pod_answers_under_its_headless_service_at_its_pod_ip_and_only_while_it_has_one()
    {
        V1Pod Pod(string name, string? ip, string ns = "default", string? phase = "Running") => new()
        {
            Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns },
            Spec = new V1PodSpec { Hostname = name, Subdomain = "peers" },
            Status = new V1PodStatus { PodIP = ip, Phase = phase },
        };
        V1Pod[] pods = [Pod("web-0", "127.0.1.5"), Pod("web-1", null), Pod("web-2", "127.0.1.7", phase: "Succeeded"), Pod("db-0", "127.0.1.9", ns: "data")];

        var entries = ServiceHostNames.For("default", [Service("peers", "None"), Service("peers", "None", ns: "data")], isolated: true, pods);

        Assert.Equal(
        [
            "127.0.1.9 db-0.peers.data", "127.0.1.9 db-0.peers.data.svc", "127.0.1.9 db-0.peers.data.svc.cluster.local",
            "127.0.1.5 web-0.peers", "127.0.1.5 web-0.peers.default", "127.0.1.5 web-0.peers.default.svc", "127.0.1.5 web-0.peers.default.svc.cluster.local",
        ], Lines(entries));
        Assert.Empty(ServiceHostNames.For("default", [Service("other", "None")], isolated: true, pods));
    }
}

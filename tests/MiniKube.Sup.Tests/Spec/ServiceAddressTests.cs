using System.Net;
using k8s.Models;
using MiniKube.Sup.Spec;

namespace MiniKube.Sup.Tests.Spec;

public sealed class ServiceAddressTests
{
    private static readonly DateTime Start = new(2026, 12, 4, 12, 0, 0, DateTimeKind.Utc);

    private static V1Service Service(string name, string? clusterIp = null, string? ns = null, int createdSecond = 0) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns, CreationTimestamp = Start.AddSeconds(createdSecond) },
        Spec = new V1ServiceSpec { ClusterIP = clusterIp, Ports = [new V1ServicePort { Port = 80 }] },
    };

    [Theory]
    [InlineData(null, "127.0.0.1")]
    [InlineData("10.96.0.12", "127.0.0.1")]
    [InlineData("127.0.0.10", "127.0.0.10")]
    [InlineData("None", null)]
    public void The_host_listens_on_a_loopback_cluster_ip_else_on_127_0_0_1_and_not_at_all_for_a_headless_service(string? clusterIp, string? expected)
    {
        Assert.Equal(expected, ServiceAddress.Of(Service("web", clusterIp))?.ToString());
    }

    [Fact]
    public void Pods_reach_a_service_on_127_0_0_1_at_an_address_of_their_own_range_and_one_with_a_loopback_cluster_ip_at_that_ip()
    {
        var inPods = ServiceAddress.InPods([Service("web"), Service("db", "127.0.0.10"), Service("peers", "None")]);

        Assert.True(ServiceAddress.PodRange.Contains(inPods["default/web"]));
        Assert.Equal(IPAddress.Parse("127.0.0.10"), inPods["default/db"]);
        Assert.False(inPods.ContainsKey("default/peers"));
    }

    [Fact]
    public void A_services_address_in_pods_does_not_move_when_other_services_come_and_go()
    {
        var alone = ServiceAddress.InPods([Service("web")])["default/web"];
        var many = Enumerable.Range(0, 200).Select(i => Service($"svc-{i}", createdSecond: i + 1)).Append(Service("web")).ToList();

        Assert.Equal(alone, ServiceAddress.InPods(many)["default/web"]);
    }

    [Fact]
    public void Every_service_gets_an_address_of_its_own_even_when_their_names_hash_alike()
    {
        var services = Enumerable.Range(0, 5000).Select(i => Service($"svc-{i}", ns: $"ns-{i % 7}", createdSecond: i)).ToList();

        var inPods = ServiceAddress.InPods(services);

        Assert.Equal(5000, inPods.Values.Distinct().Count());
        Assert.All(inPods.Values, a => Assert.True(ServiceAddress.PodRange.Contains(a)));
        Assert.DoesNotContain(inPods.Values, a => a.Equals(ServiceAddress.PodRange.BaseAddress) || a.Equals(IPAddress.Parse("127.253.255.255")));
    }

    [Fact]
    public void Of_two_services_that_hash_alike_the_older_keeps_the_address()
    {
        // 5000 names into 65534 addresses: some pairs collide; the older of each keeps its hashed address.
        var services = Enumerable.Range(0, 5000).Select(i => Service($"svc-{i}", createdSecond: i)).ToList();
        var all = ServiceAddress.InPods(services);
        var moved = services.Where(s => !all[ServiceAddress.KeyOf(s)].Equals(ServiceAddress.InPods([s])[ServiceAddress.KeyOf(s)])).ToList();

        Assert.NotEmpty(moved);
        foreach (var younger in moved)
        {
            var wanted = ServiceAddress.InPods([younger])[ServiceAddress.KeyOf(younger)];
            var holder = services.Single(s => all[ServiceAddress.KeyOf(s)].Equals(wanted));
            Assert.True(holder.Metadata.CreationTimestamp < younger.Metadata.CreationTimestamp);
        }
    }
}

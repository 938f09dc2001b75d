using k8s.Models;
using MiniKube.Sup.Services;

namespace MiniKube.Sup.Tests.Services;

public sealed class EndpointsBuilderTests
{
    private static V1Service Service(string targetPort = "8080", bool publishNotReady = false) => new()
    {
        Metadata = new V1ObjectMeta { Name = "web" },
        Spec = new V1ServiceSpec
        {
            Selector = new Dictionary<string, string> { ["app"] = "web" },
            Ports = [new V1ServicePort { Name = "http", Port = 80, TargetPort = targetPort, Protocol = "TCP" }],
            PublishNotReadyAddresses = publishNotReady,
        },
    };

    private static V1Pod Pod(string name, string ip, bool ready = true, string phase = "Running", bool terminating = false, string app = "web", int? namedPort = null) => new()
    {
        Metadata = new V1ObjectMeta
        {
            Name = name,
            Labels = new Dictionary<string, string> { ["app"] = app },
            DeletionTimestamp = terminating ? DateTime.UtcNow : null,
        },
        Spec = new V1PodSpec
        {
            Containers = [new V1Container { Name = "c", Ports = namedPort is { } p ? [new V1ContainerPort { Name = "web-port", ContainerPort = p }] : null }],
        },
        Status = new V1PodStatus
        {
            Phase = phase,
            PodIP = ip,
            Conditions = [new V1PodCondition { Type = "Ready", Status = ready ? "True" : "False" }],
        },
    };

    [Fact]
    public void Only_ready_selected_pods_are_routed_to_and_not_ready_ones_are_listed_apart()
    {
        var result = EndpointsBuilder.Build(Service(), [
            Pod("a", "127.0.1.2"),
            Pod("b", "127.0.1.3", ready: false),
            Pod("c", "127.0.1.4", terminating: true),
            Pod("d", "127.0.1.5", phase: "Failed"),
            Pod("e", "127.0.1.6", app: "other"),
            Pod("f", ""),
        ]);
        var (port, backends) = Assert.Single(result.Ready);
        Assert.Equal(80, port);
        Assert.Equal(["127.0.1.2:8080"], backends.Select(b => b.ToString()));
        var subset = Assert.Single(result.Endpoints.Subsets);
        Assert.Equal(["127.0.1.2"], subset.Addresses.Select(a => a.Ip));
        Assert.Equal(["127.0.1.3"], subset.NotReadyAddresses.Select(a => a.Ip));
        Assert.Equal(("http", 8080), (subset.Ports.Single().Name, subset.Ports.Single().Port));
        Assert.Equal("a", subset.Addresses[0].TargetRef.Name);
    }

    [Fact]
    public void PublishNotReadyAddresses_routes_to_every_pod_including_terminating_ones()
    {
        var result = EndpointsBuilder.Build(Service(publishNotReady: true), [Pod("a", "127.0.1.2", ready: false), Pod("b", "127.0.1.3", terminating: true)]);
        Assert.Equal(["127.0.1.2:8080", "127.0.1.3:8080"], result.Ready.Single().Backends.Select(b => b.ToString()));
    }

    [Fact]
    public void A_named_target_port_is_resolved_per_pod()
    {
        var result = EndpointsBuilder.Build(Service(targetPort: "web-port"), [
            Pod("a", "127.0.1.2", namedPort: 9000),
            Pod("b", "127.0.1.3", namedPort: 9001),
            Pod("c", "127.0.1.4"), // no such port: left out
        ]);
        Assert.Equal(["127.0.1.2:9000", "127.0.1.3:9001"], result.Ready.Single().Backends.Select(b => b.ToString()));
        Assert.Equal(2, result.Endpoints.Subsets.Count); // different ports, different subsets
    }

    [Fact]
    public void Service_variables_follow_kubelet_naming()
    {
        var svc = new V1Service
        {
            Metadata = new V1ObjectMeta { Name = "my-db" },
            Spec = new V1ServiceSpec
            {
                ClusterIP = "127.0.0.5",
                Ports = [new V1ServicePort { Name = "sql", Port = 5432, Protocol = "TCP" }, new V1ServicePort { Name = "admin-http", Port = 8080, Protocol = "TCP" }],
            },
        };
        var headless = new V1Service { Metadata = new V1ObjectMeta { Name = "peers" }, Spec = new V1ServiceSpec { ClusterIP = "None", Ports = [new V1ServicePort { Port = 1 }] } };
        var remote = new V1Service { Metadata = new V1ObjectMeta { Name = "x" }, Spec = new V1ServiceSpec { ClusterIP = "10.0.0.7", Ports = [new V1ServicePort { Port = 7, Protocol = "TCP" }] } };
        var env = ServiceEnvironment.Variables([svc, headless, remote]);
        Assert.Equal("127.0.0.5", env["MY_DB_SERVICE_HOST"]);
        Assert.Equal("5432", env["MY_DB_SERVICE_PORT"]);
        Assert.Equal("5432", env["MY_DB_SERVICE_PORT_SQL"]);
        Assert.Equal("8080", env["MY_DB_SERVICE_PORT_ADMIN_HTTP"]);
        Assert.Equal("tcp://127.0.0.5:5432", env["MY_DB_PORT"]);
        Assert.Equal("tcp://127.0.0.5:8080", env["MY_DB_PORT_8080_TCP"]);
        Assert.Equal("tcp", env["MY_DB_PORT_8080_TCP_PROTO"]);
        Assert.Equal("8080", env["MY_DB_PORT_8080_TCP_PORT"]);
        Assert.Equal("127.0.0.5", env["MY_DB_PORT_8080_TCP_ADDR"]);
        Assert.DoesNotContain(env.Keys, k => k.StartsWith("PEERS_", StringComparison.Ordinal));
        Assert.Equal("127.0.0.1", env["X_SERVICE_HOST"]); // not a loopback clusterIP: the proxy is on 127.0.0.1
    }
}

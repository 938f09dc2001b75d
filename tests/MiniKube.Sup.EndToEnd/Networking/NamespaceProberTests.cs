using System.Net;
using k8s.Models;
using MiniKube.Sup.Networking;
using MiniKube.Sup.Probes;

namespace MiniKube.Sup.EndToEnd.Networking;

/// <summary>Probes of a pod in a network namespace of its own dial it from inside, on 127.0.0.1: where its
/// containers listen, which the host cannot reach.</summary>
public sealed class NamespaceProberTests
{
    private static readonly IPAddress PodIp = IPAddress.Parse("127.0.1.249");

    private static ProbeRequest Request(ProbeAction action) =>
        new(ProbePurpose.Readiness, action, new ProbeTarget("p", PodIp.ToString(), new V1Container { Name = "app" }, null!), TimeSpan.FromSeconds(5));

    [Fact]
    public async Task An_http_probe_reaches_a_server_on_the_pods_own_loopback()
    {
        await using var scratch = await ScratchNetworkNamespace.StartAsync();
        var networks = new PodNetworks();
        var prober = new HttpGetProber(TimeProvider.System, networks);
        using var network = networks.Attach(PodIp, scratch.Pid);
        using var server = NamespaceServer.Start(network, new IPEndPoint(IPAddress.Loopback, 0), "inside", http: true);
        var action = new ProbeAction(HttpGet: new V1HTTPGetAction { Port = server.Port, Path = "/healthz" });

        Assert.Equal(ProbeOutcome.Success("inside\n"), await prober.ProbeAsync(Request(action), CancellationToken.None));

        // Let go, the pod is looked for on the host's network, where nothing listens.
        network.Dispose();
        var outcome = await prober.ProbeAsync(Request(action), CancellationToken.None);
        Assert.Equal(ProbeOutcome.Failure($"Get \"http://{PodIp}:{server.Port}/healthz\": dial tcp {PodIp}:{server.Port}: connect: connection refused"), outcome);
    }

    [Fact]
    public async Task A_tcp_probe_reaches_a_server_on_the_pods_own_loopback()
    {
        await using var scratch = await ScratchNetworkNamespace.StartAsync();
        var networks = new PodNetworks();
        using var network = networks.Attach(PodIp, scratch.Pid);
        using var server = NamespaceServer.Start(network, new IPEndPoint(IPAddress.Loopback, 0), "inside");
        var prober = new TcpSocketProber(TimeProvider.System, networks);

        Assert.Equal(ProbeStatus.Success, (await prober.ProbeAsync(Request(new ProbeAction(TcpSocket: new V1TCPSocketAction { Port = server.Port })), CancellationToken.None)).Status);
    }

    [Fact]
    public async Task A_probe_of_a_pod_whose_network_is_gone_fails_and_says_so()
    {
        await using var scratch = await ScratchNetworkNamespace.StartAsync();
        var networks = new PodNetworks();
        var network = networks.Attach(PodIp, scratch.Pid);
        var prober = new TcpSocketProber(TimeProvider.System, networks);
        var request = Request(new ProbeAction(TcpSocket: new V1TCPSocketAction { Port = 8080 }));
        network.Namespace.Dispose(); // the namespace went while the pod was still looked up through it

        var outcome = await prober.ProbeAsync(request, CancellationToken.None);
        Assert.Equal(ProbeStatus.Failure, outcome.Status);
        Assert.Contains($"the network namespace of process {scratch.Pid} was let go", outcome.Output);
        network.Dispose();
    }
}

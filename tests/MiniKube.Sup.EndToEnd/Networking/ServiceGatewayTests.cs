using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging.Abstractions;
using MiniKube.Sup.Networking;
using MiniKube.Sup.Services;

namespace MiniKube.Sup.EndToEnd.Networking;

/// <summary>Services seen from pods in network namespaces of their own, with real namespaces: a container dials a
/// Service's address and port and reaches an endpoint, as kube-proxy's rules give every pod of a node; endpoints in
/// such pods are dialled from inside them.</summary>
public sealed class ServiceGatewayTests : IAsyncLifetime
{
    private static readonly IPAddress ClientPodIp = IPAddress.Parse("127.0.1.241");
    private static readonly IPAddress ServerPodIp = IPAddress.Parse("127.0.1.242");
    private static readonly IPAddress ServiceIp = IPAddress.Parse("127.0.0.241");

    private readonly PodNetworks _networks = new();
    private readonly List<ServiceProxies> _proxies = [];
    private readonly List<IDisposable> _disposables = [];
    private readonly Dictionary<NamespacePodNetwork, ScratchNetworkNamespace> _pods = [];

    private async Task<NamespacePodNetwork> PodAsync(IPAddress podIp)
    {
        var scratch = await ScratchNetworkNamespace.StartAsync();
        var network = _networks.Attach(podIp, scratch.Pid);
        _pods[network] = scratch;
        return network;
    }

    private ServiceProxies Proxies(IPEndPoint? api = null)
    {
        var proxies = new ServiceProxies(NullLogger.Instance, _networks, TimeProvider.System, api);
        _proxies.Add(proxies);
        return proxies;
    }

    private NamespaceServer Server(IPodNetwork network, IPEndPoint endPoint, string answer)
    {
        var server = NamespaceServer.Start(network, endPoint, answer);
        _disposables.Add(server);
        return server;
    }

    [Fact]
    public async Task A_container_reaches_a_service_by_its_address_and_keeps_that_port_for_itself()
    {
        var client = await PodAsync(ClientPodIp);
        var backend = Server(new HostPodNetwork(IPAddress.Parse("127.0.1.243")), new IPEndPoint(IPAddress.Parse("127.0.1.243"), 0), "host-pod");
        var proxies = Proxies();
        var port = FreePort.On(ServiceIp);
        Assert.Empty(proxies.Apply("web", ServiceIp, ServiceIp, [(port, [new Backend("b", "127.0.1.243", backend.Port)])], keepTerminating: false));

        Assert.Equal("host-pod", await Poll.For(() => NamespaceServer.AskAsync(client.Namespace, new IPEndPoint(ServiceIp, port)), "the Service from inside the pod"));
        // The pod's own container may listen on every address with that port number.
        using var own = client.Listen(new IPEndPoint(IPAddress.Any, port), 16);
    }

    [Fact]
    public async Task An_endpoint_in_a_pod_of_its_own_is_dialled_from_inside_it()
    {
        var server = await PodAsync(ServerPodIp);
        var inside = Server(server, new IPEndPoint(IPAddress.Loopback, 0), "image-pod"); // 127.0.0.1 only, as in a podman pod
        var proxies = Proxies();
        var port = FreePort.On(ServiceIp);
        proxies.Apply("web", ServiceIp, ServiceIp, [(port, [new Backend("s", ServerPodIp.ToString(), inside.Port)])], keepTerminating: false);

        Assert.Equal("image-pod", await NamespaceServer.AskFromHostAsync(new IPEndPoint(ServiceIp, port)));
    }

    [Fact]
    public async Task A_pod_reaches_a_service_whose_endpoint_is_another_pod_of_its_own_namespace()
    {
        var client = await PodAsync(ClientPodIp);
        var server = await PodAsync(ServerPodIp);
        var inside = Server(server, new IPEndPoint(IPAddress.Loopback, 0), "image-pod");
        var proxies = Proxies();
        var port = FreePort.On(ServiceIp);
        proxies.Apply("web", ServiceIp, ServiceIp, [(port, [new Backend("s", ServerPodIp.ToString(), inside.Port)])], keepTerminating: false);

        Assert.Equal("image-pod", await Poll.For(() => NamespaceServer.AskAsync(client.Namespace, new IPEndPoint(ServiceIp, port)), "the Service from inside the pod"));
    }

    [Fact]
    public async Task A_service_removed_is_no_longer_reached_from_pods()
    {
        var client = await PodAsync(ClientPodIp);
        var backend = Server(new HostPodNetwork(IPAddress.Loopback), new IPEndPoint(IPAddress.Loopback, 0), "host");
        var proxies = Proxies();
        var port = FreePort.On(ServiceIp);
        var service = new IPEndPoint(ServiceIp, port);
        proxies.Apply("web", ServiceIp, ServiceIp, [(port, [new Backend("b", "127.0.0.1", backend.Port)])], keepTerminating: false);
        Assert.Equal("host", await Poll.For(() => NamespaceServer.AskAsync(client.Namespace, service), "the Service from inside the pod"));

        proxies.Remove("web");
        await Poll.Until(() => NamespaceServer.AskAsync(client.Namespace, service).Result is null, "the Service to be gone from the pod");
    }

    [Fact]
    public async Task A_pod_attached_after_the_services_exist_reaches_them_once_prepared()
    {
        var backend = Server(new HostPodNetwork(IPAddress.Loopback), new IPEndPoint(IPAddress.Loopback, 0), "host");
        var proxies = Proxies();
        var port = FreePort.On(ServiceIp);
        proxies.Apply("web", ServiceIp, ServiceIp, [(port, [new Backend("b", "127.0.0.1", backend.Port)])], keepTerminating: false);

        var client = await PodAsync(ClientPodIp);
        await client.Prepared.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal("host", await NamespaceServer.AskAsync(client.Namespace, new IPEndPoint(ServiceIp, port)));
    }

    [Fact]
    public async Task A_service_on_127_0_0_1_is_reached_in_pods_at_its_address_in_pods_and_leaves_the_pods_own_127_0_0_1_alone()
    {
        var client = await PodAsync(ClientPodIp);
        var backend = Server(new HostPodNetwork(IPAddress.Loopback), new IPEndPoint(IPAddress.Loopback, 0), "host");
        var proxies = Proxies();
        var port = FreePort.On(IPAddress.Loopback);
        var inPods = IPAddress.Parse("127.253.0.7");
        proxies.Apply("local", IPAddress.Loopback, inPods, [(port, [new Backend("b", "127.0.0.1", backend.Port)])], keepTerminating: false);

        Assert.Equal("host", await Poll.For(() => NamespaceServer.AskAsync(client.Namespace, new IPEndPoint(inPods, port)), "the Service at its address in pods"));
        var own = Server(client, new IPEndPoint(IPAddress.Loopback, port), "the pod's own");
        Assert.Equal("the pod's own", await NamespaceServer.AskAsync(client.Namespace, new IPEndPoint(IPAddress.Loopback, port)));
    }

    [Fact]
    public async Task A_pod_reaches_the_api_at_its_address()
    {
        var client = await PodAsync(ClientPodIp);
        var api = Server(new HostPodNetwork(IPAddress.Loopback), new IPEndPoint(IPAddress.Loopback, 0), "api");
        var apiEndPoint = new IPEndPoint(IPAddress.Loopback, api.Port);
        Proxies(apiEndPoint);

        Assert.Equal("api", await Poll.For(() => NamespaceServer.AskAsync(client.Namespace, apiEndPoint), "the API from inside the pod"));
    }

    [Fact]
    public async Task A_container_reaches_other_pods_by_their_ips_whether_on_the_host_or_in_a_namespace()
    {
        var client = await PodAsync(ClientPodIp);
        var server = await PodAsync(ServerPodIp);
        var imagePod = Server(server, new IPEndPoint(IPAddress.Loopback, 0), "image-pod");
        var hostPodIp = IPAddress.Parse("127.0.1.243");
        var hostPod = Server(new HostPodNetwork(hostPodIp), new IPEndPoint(hostPodIp, 0), "host-pod");
        Proxies();

        Assert.Equal("image-pod", await Poll.For(() => NamespaceServer.AskAsync(client.Namespace, new IPEndPoint(ServerPodIp, imagePod.Port)), "the other image pod"));
        Assert.Equal("host-pod", await NamespaceServer.AskAsync(client.Namespace, new IPEndPoint(hostPodIp, hostPod.Port)));
    }

    [Fact]
    public async Task A_container_reaches_its_own_pod_on_the_pod_ip()
    {
        var pod = await PodAsync(ClientPodIp);
        var own = Server(pod, new IPEndPoint(IPAddress.Loopback, 0), "self");
        Proxies();

        Assert.Equal("self", await Poll.For(() => NamespaceServer.AskAsync(pod.Namespace, new IPEndPoint(ClientPodIp, own.Port)), "the pod's own IP"));
    }

    [Fact]
    public async Task A_connection_to_the_gateway_itself_is_reset()
    {
        var client = await PodAsync(ClientPodIp);
        var backend = Server(new HostPodNetwork(IPAddress.Loopback), new IPEndPoint(IPAddress.Loopback, 0), "host");
        var proxies = Proxies();
        var port = FreePort.On(ServiceIp);
        proxies.Apply("web", ServiceIp, ServiceIp, [(port, [new Backend("b", "127.0.0.1", backend.Port)])], keepTerminating: false);
        Assert.Equal("host", await Poll.For(() => NamespaceServer.AskAsync(client.Namespace, new IPEndPoint(ServiceIp, port)), "the Service from inside the pod"));

        var gateway = Assert.Single(GatewayPorts(client));
        Assert.Null(await NamespaceServer.AskAsync(client.Namespace, new IPEndPoint(IPAddress.Loopback, gateway)));
    }

    /// <summary>The ports listened on in the pod's namespace (/proc/PID/net/tcp shows the sockets of the
    /// namespace PID is in; state 0A is LISTEN).</summary>
    private IEnumerable<int> GatewayPorts(NamespacePodNetwork network) =>
        File.ReadLines($"/proc/{_pods[network].Pid}/net/tcp").Skip(1)
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(f => f[3] == "0A")
            .Select(f => Convert.ToInt32(f[1].Split(':')[1], 16))
            .ToList();

    // xunit 2 calls IAsyncLifetime.DisposeAsync, never IAsyncDisposable's.
    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var p in _proxies) await p.DisposeAsync();
        foreach (var d in _disposables) d.Dispose();
        foreach (var (network, scratch) in _pods)
        {
            network.Dispose();
            await scratch.DisposeAsync();
        }
    }
}

using System.Net;
using System.Net.Sockets;
using MiniKube.Sup.Networking;

namespace MiniKube.Sup.EndToEnd.Networking;

/// <summary>Pods' networks with real namespaces: an attached pod is reached from inside its namespace on
/// 127.0.0.1; any other IP is a pod on the host's network.</summary>
public sealed class PodNetworksTests
{
    private static readonly IPAddress PodIp = IPAddress.Parse("127.0.1.250");

    [Fact]
    public async Task A_pod_in_a_namespace_is_reached_on_its_own_loopback()
    {
        await using var scratch = await ScratchNetworkNamespace.StartAsync();
        var networks = new PodNetworks();
        using var network = networks.Attach(PodIp, scratch.Pid);
        // The pod's "container" listens on 127.0.0.1 inside, which only the pod's own namespace reaches.
        using var listener = network.Listen(new IPEndPoint(IPAddress.Loopback, 0), 16);
        var port = ((IPEndPoint)listener.LocalEndPoint!).Port;

        using var client = await networks.Of(PodIp).ConnectAsync(port, CancellationToken.None);
        using var accepted = await listener.AcceptAsync();
        Assert.Equal(IPAddress.Loopback, ((IPEndPoint)accepted.RemoteEndPoint!).Address);
    }

    [Fact]
    public async Task A_pod_let_go_is_a_pod_on_the_host_network_again()
    {
        await using var scratch = await ScratchNetworkNamespace.StartAsync();
        var networks = new PodNetworks();
        var changes = 0;
        using var subscription = networks.Subscribe(() => Interlocked.Increment(ref changes));
        var network = networks.Attach(PodIp, scratch.Pid);
        Assert.Same(network, networks.Of(PodIp));
        Assert.Equal([network], networks.Namespaced());

        network.Dispose();
        Assert.IsType<HostPodNetwork>(networks.Of(PodIp));
        Assert.Empty(networks.Namespaced());
        Assert.Equal(2, changes);
        await Assert.ThrowsAsync<NetworkNamespaceGoneException>(() => network.ConnectAsync(80, CancellationToken.None));
    }

    [Fact]
    public async Task A_sandbox_made_again_replaces_the_network_attached_for_its_ip()
    {
        await using var first = await ScratchNetworkNamespace.StartAsync();
        await using var second = await ScratchNetworkNamespace.StartAsync();
        var networks = new PodNetworks();
        using var old = networks.Attach(PodIp, first.Pid);
        using var current = networks.Attach(PodIp, second.Pid);
        Assert.Same(current, networks.Of(PodIp));
        await Assert.ThrowsAsync<NetworkNamespaceGoneException>(() => old.ConnectAsync(80, CancellationToken.None));
        old.Dispose(); // letting the replaced one go again leaves the current one attached
        Assert.Same(current, networks.Of(PodIp));
    }

    [Fact]
    public async Task A_pod_on_the_host_network_is_reached_on_its_ip()
    {
        var podIp = IPAddress.Parse("127.0.1.251");
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(podIp, 0));
        listener.Listen();
        using var client = await new PodNetworks().Of(podIp).ConnectAsync(((IPEndPoint)listener.LocalEndPoint!).Port, CancellationToken.None);
        using var accepted = await listener.AcceptAsync();
    }
}

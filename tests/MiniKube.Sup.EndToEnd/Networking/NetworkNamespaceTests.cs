using System.Net;
using System.Net.Sockets;
using MiniKube.Sup.Networking;

namespace MiniKube.Sup.EndToEnd.Networking;

/// <summary>Sockets made in another process's network namespace, with real namespaces (unshare --net).</summary>
public sealed class NetworkNamespaceTests
{
    [Fact]
    public async Task A_socket_made_in_a_namespace_listens_there_and_another_made_there_reaches_it()
    {
        await using var scratch = await ScratchNetworkNamespace.StartAsync();
        using var ns = NetworkNamespace.OfProcess(scratch.Pid);
        using var listener = ListenInside(ns);
        using var client = await ns.CreateSocketAsync(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await client.ConnectAsync(listener.LocalEndPoint!);
        using var accepted = await listener.AcceptAsync();
        await client.SendAsync("ping"u8.ToArray());
        var buffer = new byte[4];
        Assert.Equal(4, await accepted.ReceiveAsync(buffer));
        Assert.Equal("ping"u8.ToArray(), buffer);
    }

    [Fact]
    public async Task The_host_loopback_does_not_reach_a_listener_in_the_namespace()
    {
        await using var scratch = await ScratchNetworkNamespace.StartAsync();
        using var ns = NetworkNamespace.OfProcess(scratch.Pid);
        using var listener = ListenInside(ns);

        using var host = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try { await host.ConnectAsync(listener.LocalEndPoint!); }
        catch (SocketException e) { Assert.Equal(SocketError.ConnectionRefused, e.SocketErrorCode); }
        // Had the host's connect reached the namespace, the connection would be queued on the listener by now
        // (a loopback connect completes once the handshake is done).
        Assert.False(listener.Poll(0, SelectMode.SelectRead));
    }

    [Fact]
    public async Task A_namespace_keeps_its_meaning_after_the_process_it_was_found_through_exits()
    {
        var scratch = await ScratchNetworkNamespace.StartAsync();
        using var ns = NetworkNamespace.OfProcess(scratch.Pid);
        using var listener = ListenInside(ns);
        await scratch.DisposeAsync();

        using var client = ns.CreateSocket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await client.ConnectAsync(listener.LocalEndPoint!);
        using var accepted = await listener.AcceptAsync();
    }

    /// <summary>A socket made in <paramref name="ns"/>, listening on 127.0.0.1 there.</summary>
    private static Socket ListenInside(NetworkNamespace ns)
    {
        var listener = ns.CreateSocket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen();
        return listener;
    }

    [Fact]
    public void A_process_that_is_gone_has_no_namespace_to_enter()
    {
        var e = Assert.Throws<NetworkNamespaceGoneException>(() => NetworkNamespace.OfProcess(int.MaxValue));
        Assert.Contains($"process {int.MaxValue}", e.Message);
        Assert.IsAssignableFrom<SocketException>(e); // a connection failure to whoever connects
    }

    [Fact]
    public async Task A_namespace_let_go_makes_no_more_sockets()
    {
        await using var scratch = await ScratchNetworkNamespace.StartAsync();
        var ns = NetworkNamespace.OfProcess(scratch.Pid);
        ns.Dispose();
        await Assert.ThrowsAsync<NetworkNamespaceGoneException>(() => ns.CreateSocketAsync(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp));
    }
}

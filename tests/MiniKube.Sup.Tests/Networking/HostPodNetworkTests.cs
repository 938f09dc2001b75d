using System.Net;
using System.Net.Sockets;
using MiniKube.Sup.Networking;

namespace MiniKube.Sup.Tests.Networking;

/// <summary>Connections to a pod on the host's network, over real loopback sockets: made at once where the kernel
/// has finished the handshake by the time connect(2) returns, waited for where it has not.</summary>
public sealed class HostPodNetworkTests : IDisposable
{
    private readonly HostPodNetwork _network = new(IPAddress.Loopback);
    private readonly Socket _listener = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
    private readonly List<Socket> _sockets = [];

    private int Listen(int backlog)
    {
        _listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _listener.Listen(backlog);
        return ((IPEndPoint)_listener.LocalEndPoint!).Port;
    }

    [Fact]
    public async Task A_connection_is_made_connected_and_usable_as_a_stream()
    {
        var port = Listen(16);
        using var socket = await _network.ConnectAsync(port, CancellationToken.None);
        using var accepted = await _listener.AcceptAsync();
        Assert.True(socket.Connected);
        Assert.True(socket.Blocking);
        await using var stream = new NetworkStream(socket); // refuses a socket that is not connected and blocking
        await stream.WriteAsync("hi"u8.ToArray());
        var read = new byte[2];
        await accepted.ReceiveAsync(read);
        Assert.Equal("hi"u8.ToArray(), read);
    }

    [Fact]
    public async Task A_port_nobody_listens_on_is_refused()
    {
        var port = Listen(1);
        _listener.Close();
        var e = await Assert.ThrowsAsync<SocketException>(() => _network.ConnectAsync(port, CancellationToken.None));
        Assert.Equal(SocketError.ConnectionRefused, e.SocketErrorCode);
    }

    [Fact]
    public async Task A_connect_the_listener_has_no_room_for_yet_is_waited_for_and_made_once_it_has()
    {
        // With its accept queue full, the listener drops the SYN: the connect stays in progress until the kernel
        // sends it again (after a second) and the queue has room by then.
        var port = Listen(0);
        var stalled = false;
        for (var i = 0; i < 8 && !stalled; i++)
        {
            using var soon = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
            try { _sockets.Add(await _network.ConnectAsync(port, soon.Token)); }
            catch (OperationCanceledException) { stalled = true; } // cancelled while in progress, its socket closed
        }
        Assert.True(stalled, "every connect was made at once: the listener's queue never filled");

        var waiting = _network.ConnectAsync(port, new CancellationTokenSource(TimeSpan.FromSeconds(20)).Token);
        await Task.Delay(200);
        Assert.False(waiting.IsCompleted);
        _sockets.Add(await _listener.AcceptAsync()); // room for one more
        using var socket = await waiting;
        Assert.True(socket.Connected);
    }

    public void Dispose()
    {
        foreach (var s in _sockets) s.Dispose();
        _listener.Dispose();
    }
}

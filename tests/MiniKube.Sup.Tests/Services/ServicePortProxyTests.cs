using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using MiniKube.Sup.Networking;
using MiniKube.Sup.Services;

namespace MiniKube.Sup.Tests.Services;

/// <summary>The proxy over real loopback sockets: backends are tiny servers that answer their own name.</summary>
public sealed class ServicePortProxyTests : IAsyncLifetime
{
    private readonly List<TcpListener> _servers = [];
    private readonly List<ServicePortProxy> _proxies = [];

    private Backend Server(string name, string ip = "127.0.0.1")
    {
        var listener = new TcpListener(IPAddress.Parse(ip), 0);
        listener.Start();
        _servers.Add(listener);
        _ = Task.Run(async () =>
        {
            try
            {
                while (true)
                {
                    using var client = await listener.AcceptTcpClientAsync();
                    await client.GetStream().WriteAsync(Encoding.ASCII.GetBytes(name + "\n"));
                }
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException) { }
        });
        return new Backend(name, ip, ((IPEndPoint)listener.LocalEndpoint).Port);
    }

    /// <summary>A started loopback listener, stopped after the test.</summary>
    private TcpListener Listener()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        _servers.Add(listener);
        return listener;
    }

    private ServicePortProxy Proxy(params Backend[] backends)
    {
        var proxy = new ServicePortProxy(new IPEndPoint(IPAddress.Loopback, 0), new PodNetworks(), NullLogger.Instance);
        proxy.Start();
        proxy.SetBackends(backends);
        _proxies.Add(proxy);
        return proxy;
    }

    private static async Task<string> Ask(ServicePortProxy proxy)
    {
        using var client = new TcpClient();
        await client.ConnectAsync((IPEndPoint)proxy.ListenEndPoint);
        using var reader = new StreamReader(client.GetStream());
        return await reader.ReadLineAsync() ?? "";
    }

    [Fact]
    public void A_port_another_proxy_listens_on_is_refused_never_shared()
    {
        // Two daemons' Services on one port must not split its connections between them (SO_REUSEPORT would let
        // the second bind and the kernel balance between the two).
        var first = Proxy(Server("a"));
        var taken = (IPEndPoint)first.ListenEndPoint;
        var e = Assert.Throws<SocketException>(() => new ServicePortProxy(taken, new PodNetworks(), NullLogger.Instance));
        Assert.Equal(SocketError.AddressAlreadyInUse, e.SocketErrorCode);
    }

    [Fact]
    public void A_port_another_program_listens_on_with_SO_REUSEPORT_is_refused()
    {
        using var other = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        other.SetRawSocketOption(1, 15, BitConverter.GetBytes(1)); // SOL_SOCKET, SO_REUSEPORT
        other.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        other.Listen();
        var e = Assert.Throws<SocketException>(() => new ServicePortProxy((IPEndPoint)other.LocalEndPoint!, new PodNetworks(), NullLogger.Instance));
        Assert.Equal(SocketError.AddressAlreadyInUse, e.SocketErrorCode);
    }

    [Fact]
    public async Task Connections_are_balanced_round_robin_over_the_endpoints()
    {
        var proxy = Proxy(Server("a"), Server("b"), Server("c"));
        var answers = new List<string>();
        for (var i = 0; i < 9; i++) answers.Add(await Ask(proxy));
        Assert.Equal(3, answers.Count(a => a == "a"));
        Assert.Equal(3, answers.Count(a => a == "b"));
        Assert.Equal(3, answers.Count(a => a == "c"));
    }

    [Fact]
    public async Task With_no_endpoint_a_connection_is_reset_at_once()
    {
        var proxy = Proxy();
        using var client = new TcpClient();
        var buffer = new byte[16];
        var read = Task.Run(async () =>
        {
            // Refused or reset: either way, at once.
            try
            {
                await client.ConnectAsync((IPEndPoint)proxy.ListenEndPoint);
                return await client.GetStream().ReadAsync(buffer);
            }
            catch (IOException) { return -1; }
            catch (SocketException) { return -2; }
        });
        Assert.True(await Task.WhenAny(read, Task.Delay(TimeSpan.FromSeconds(5))) == read, "the connection was left hanging");
        Assert.True(await read <= 0);
    }

    [Fact]
    public async Task A_withdrawn_endpoint_gets_no_new_connections()
    {
        var a = Server("a");
        var b = Server("b", "127.0.0.2");
        var proxy = Proxy(a, b);
        proxy.Withdraw("127.0.0.2");
        for (var i = 0; i < 6; i++) Assert.Equal("a", await Ask(proxy));
    }

    [Fact]
    public async Task An_endpoint_that_refuses_is_skipped_and_the_client_never_notices()
    {
        var dead = Server("dead");
        _servers[0].Stop(); // nothing listens there any more
        var proxy = Proxy(dead, Server("alive"));
        for (var i = 0; i < 6; i++) Assert.Equal("alive", await Ask(proxy));
    }

    [Fact]
    public async Task An_endpoint_that_closes_before_anyone_spoke_is_replaced_by_the_next_and_the_client_never_notices()
    {
        // A process that died with connections in its backlog: accepted, then closed unanswered.
        var closing = Listener();
        _ = Task.Run(async () =>
        {
            try
            {
                while (true) (await closing.AcceptTcpClientAsync()).Dispose();
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException) { }
        });
        var proxy = Proxy(new Backend("closing", "127.0.0.1", ((IPEndPoint)closing.LocalEndpoint).Port), Server("alive"));
        for (var i = 0; i < 6; i++) Assert.Equal("alive", await Ask(proxy));
    }

    [Fact]
    public async Task Data_flows_both_ways_and_a_half_close_still_gets_the_whole_answer()
    {
        var echo = Listener();
        _ = Task.Run(async () =>
        {
            using var c = await echo.AcceptTcpClientAsync();
            var s = c.GetStream();
            var all = new MemoryStream();
            await s.CopyToAsync(all); // until the client half-closes
            var bytes = all.ToArray();
            Array.Reverse(bytes);
            await s.WriteAsync(bytes);
        });
        var proxy = Proxy(new Backend("echo", "127.0.0.1", ((IPEndPoint)echo.LocalEndpoint).Port));
        using var client = new TcpClient();
        await client.ConnectAsync((IPEndPoint)proxy.ListenEndPoint);
        var payload = Enumerable.Range(0, 200_000).Select(i => (byte)i).ToArray();
        var stream = client.GetStream();
        await stream.WriteAsync(payload);
        client.Client.Shutdown(SocketShutdown.Send);
        var back = new MemoryStream();
        await stream.CopyToAsync(back);
        Array.Reverse(payload);
        Assert.Equal(payload, back.ToArray());
    }

    [Fact]
    public async Task A_relayed_connection_is_watched_by_the_relay_alone_not_by_the_runtime_socket_engine()
    {
        // Once .NET's socket engine has waited on a socket, every later readiness change of it wakes the engine's
        // thread and a thread-pool worker, though nothing of .NET waits on it any more: twice the daemon's work per
        // request on the user-space Service path. The relay's sockets must be in its own epoll set only.
        var echo = Listener();
        var upstreamEnd = new TaskCompletionSource<IPEndPoint>();
        _ = Task.Run(async () =>
        {
            using var c = await echo.AcceptTcpClientAsync();
            upstreamEnd.SetResult((IPEndPoint)c.Client.RemoteEndPoint!);
            var s = c.GetStream();
            var buffer = new byte[64];
            int n;
            while ((n = await s.ReadAsync(buffer)) > 0) await s.WriteAsync(buffer.AsMemory(0, n));
        });
        var backend = (IPEndPoint)echo.LocalEndpoint;
        var proxy = Proxy(new Backend("echo", "127.0.0.1", backend.Port));
        using var client = new TcpClient();
        await client.ConnectAsync((IPEndPoint)proxy.ListenEndPoint);
        var stream = client.GetStream();
        var answer = new byte[5];
        for (var i = 0; i < 3; i++)
        {
            await stream.WriteAsync("ping\n"u8.ToArray());
            await stream.ReadExactlyAsync(answer);
            Assert.Equal("ping\n", Encoding.ASCII.GetString(answer));
        }

        var accepted = ProcSockets.Fd((IPEndPoint)proxy.ListenEndPoint, (IPEndPoint)client.Client.LocalEndPoint!);
        var upstream = ProcSockets.Fd(await upstreamEnd.Task, backend);
        Assert.Equal(1, ProcSockets.EpollSetsWatching(accepted));
        Assert.Equal(1, ProcSockets.EpollSetsWatching(upstream));
    }

    [Fact]
    public async Task A_client_that_reads_late_still_gets_every_byte_of_a_large_answer()
    {
        // More than every buffer on the way holds: the relay must wait for room in the client's socket and resume.
        var payload = Enumerable.Range(0, 16 << 20).Select(i => (byte)(i * 7)).ToArray();
        var server = Listener();
        _ = Task.Run(async () =>
        {
            using var c = await server.AcceptTcpClientAsync();
            await c.GetStream().WriteAsync(payload);
        });
        var proxy = Proxy(new Backend("big", "127.0.0.1", ((IPEndPoint)server.LocalEndpoint).Port));
        using var client = new TcpClient();
        await client.ConnectAsync((IPEndPoint)proxy.ListenEndPoint);
        await Task.Delay(300); // the buffers fill while nobody reads
        var back = new MemoryStream();
        await client.GetStream().CopyToAsync(back).WaitAsync(TimeSpan.FromSeconds(30)); // a relay that never resumes: a failure, not a hang
        Assert.Equal(payload.Length, back.Length);
        Assert.True(payload.AsSpan().SequenceEqual(back.ToArray()), "the answer arrived altered");
    }

    // xunit 2 calls IAsyncLifetime.DisposeAsync, never IAsyncDisposable's.
    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var p in _proxies) await p.DisposeAsync();
        foreach (var s in _servers) s.Stop();
    }
}

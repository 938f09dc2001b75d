using System.Buffers;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;

namespace MiniKube.Sup.Services;

/// <summary>
/// One Service port: a TCP listener that forwards each connection to a Ready endpoint, round-robin (kube-proxy's
/// default for sessionAffinity None). The endpoint set is swapped atomically; connections already established
/// stay on their endpoint. With no endpoint a connection is reset at once. A connect that fails, or an endpoint
/// that closes before either side sent a byte (its process died with the connection in its backlog), is retried
/// on the next endpoint, as kube-proxy's userspace mode retried dial failures. Forwarding is plain async socket
/// I/O on pooled buffers: no copies beyond the kernel's, no allocation per read.
/// </summary>
public sealed partial class ServicePortProxy : IAsyncDisposable
{
    private const int BufferSize = 16 * 1024;
    private const int MaxAttempts = 3;
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(2);

    private readonly Socket _listener;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<Socket, byte> _open = new();
    private readonly Lock _gate = new();
    private Backend[] _backends = [];
    private int _next = -1;
    private Task _accepting = Task.CompletedTask;

    /// <exception cref="SocketException">the address cannot be bound (in use, or a privileged port).</exception>
    public ServicePortProxy(IPEndPoint endPoint, ILogger logger)
    {
        _logger = logger;
        EndPoint = endPoint;
        _listener = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            _listener.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            _listener.Bind(endPoint);
            _listener.Listen(1024);
        }
        catch
        {
            _listener.Dispose();
            throw;
        }
    }

    public IPEndPoint EndPoint { get; }

    /// <summary>The address actually bound (the port, when 0 was asked for).</summary>
    public EndPoint ListenEndPoint => _listener.LocalEndPoint!;

    /// <summary>Keep endpoints of terminating pods (publishNotReadyAddresses).</summary>
    public bool KeepsTerminating { get; set; }

    public IReadOnlyList<Backend> Backends => Volatile.Read(ref _backends);

    public void Start() => _accepting = Task.Run(AcceptLoopAsync);

    public void SetBackends(IReadOnlyList<Backend> backends)
    {
        lock (_gate) Volatile.Write(ref _backends, backends.ToArray());
    }

    /// <summary>Takes a pod's endpoints out of rotation at once (its termination has begun).</summary>
    public void Withdraw(string podIp)
    {
        if (KeepsTerminating) return;
        lock (_gate)
        {
            var current = _backends;
            if (current.Any(b => b.Ip == podIp)) Volatile.Write(ref _backends, current.Where(b => b.Ip != podIp).ToArray());
        }
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket client;
            try { client = await _listener.AcceptAsync(_stop.Token).ConfigureAwait(false); }
            catch (OperationCanceledException) { return; }
            catch (ObjectDisposedException) { return; }
            catch (SocketException e)
            {
                // EMFILE and the like: log and keep accepting rather than leave the port dead.
                LogAcceptFailed(_logger, e, EndPoint.ToString());
                await Task.Delay(10).ConfigureAwait(false);
                continue;
            }
            _ = HandleAsync(client);
        }
    }

    private Backend? Pick(List<Backend>? excluded)
    {
        var list = Volatile.Read(ref _backends);
        if (list.Length == 0) return null;
        var start = (int)((uint)Interlocked.Increment(ref _next) % (uint)list.Length);
        for (var i = 0; i < list.Length; i++)
        {
            var b = list[(start + i) % list.Length];
            if (excluded is null || !excluded.Contains(b)) return b;
        }
        return null;
    }

    private async Task HandleAsync(Socket client)
    {
        _open.TryAdd(client, 0);
        Socket? upstream = null;
        try
        {
            client.NoDelay = true;
            // A zero-byte receive completes when the client has sent something (or closed) without consuming it:
            // until then, an endpoint that closes silently can be replaced by another.
            var clientReady = client.ReceiveAsync(Memory<byte>.Empty, SocketFlags.None).AsTask();
            List<Backend>? excluded = null;
            for (var attempt = 0; ; attempt++)
            {
                var backend = Pick(excluded);
                if (backend is null || attempt >= MaxAttempts)
                {
                    Reset(client);
                    return;
                }
                upstream = await ConnectAsync(backend).ConfigureAwait(false);
                if (upstream is null)
                {
                    (excluded ??= []).Add(backend);
                    continue;
                }
                var upstreamReady = upstream.ReceiveAsync(Memory<byte>.Empty, SocketFlags.None).AsTask();
                if (await Task.WhenAny(clientReady, upstreamReady).ConfigureAwait(false) == upstreamReady)
                {
                    var first = ArrayPool<byte>.Shared.Rent(BufferSize);
                    try
                    {
                        var n = await ReceiveOrFail(upstream, first).ConfigureAwait(false);
                        if (n <= 0)
                        {
                            // Closed or reset before anyone spoke: nothing was exchanged, try another endpoint.
                            Close(upstream);
                            upstream = null;
                            (excluded ??= []).Add(backend);
                            continue;
                        }
                        await client.SendAsync(first.AsMemory(0, n), SocketFlags.None).ConfigureAwait(false);
                    }
                    finally { ArrayPool<byte>.Shared.Return(first); }
                }
                await Task.WhenAll(
                    PumpAsync(client, upstream, clientReady),
                    PumpAsync(upstream, client, upstreamReady)).ConfigureAwait(false);
                return;
            }
        }
        catch (OperationCanceledException) { }
        catch (SocketException) { }
        catch (ObjectDisposedException) { }
        finally
        {
            if (upstream is not null) Close(upstream);
            Close(client);
            _open.TryRemove(client, out _);
        }
    }

    private async Task<Socket?> ConnectAsync(Backend backend)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
        timeout.CancelAfter(ConnectTimeout);
        try
        {
            await socket.ConnectAsync(backend.EndPoint, timeout.Token).ConfigureAwait(false);
            _open.TryAdd(socket, 0);
            return socket;
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException)
        {
            socket.Dispose();
            if (_stop.IsCancellationRequested) throw new OperationCanceledException();
            return null;
        }
    }

    private static async Task<int> ReceiveOrFail(Socket socket, byte[] buffer)
    {
        try { return await socket.ReceiveAsync(buffer, SocketFlags.None).ConfigureAwait(false); }
        catch (SocketException) { return -1; }
    }

    /// <summary>Copies one direction until end of stream, then half-closes the other side (a client that shuts
    /// down its sending side still gets the whole answer).</summary>
    private async Task PumpAsync(Socket from, Socket to, Task firstData)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            await firstData.ConfigureAwait(false);
            while (true)
            {
                // No cancellation token on the hot path: stopping disposes the sockets, which ends these calls.
                var n = await from.ReceiveAsync(buffer, SocketFlags.None).ConfigureAwait(false);
                if (n == 0)
                {
                    try { to.Shutdown(SocketShutdown.Send); } catch (SocketException) { }
                    return;
                }
                await to.SendAsync(buffer.AsMemory(0, n), SocketFlags.None).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // One side reset: reset the other too, as a direct connection would have seen.
            Reset(to);
            Reset(from);
        }
        finally { ArrayPool<byte>.Shared.Return(buffer); }
    }

    /// <summary>Closes with RST (SO_LINGER 0): "connection reset" at once, not a clean end of stream.</summary>
    private static void Reset(Socket socket)
    {
        try
        {
            socket.LingerState = new LingerOption(true, 0);
            socket.Close();
        }
        catch (ObjectDisposedException) { }
        catch (SocketException) { }
    }

    private void Close(Socket socket)
    {
        _open.TryRemove(socket, out _);
        socket.Dispose();
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        _listener.Dispose();
        try { await _accepting.ConfigureAwait(false); } catch (OperationCanceledException) { }
        foreach (var s in _open.Keys) s.Dispose();
        _stop.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "service proxy {EndPoint}: accept failed")]
    private static partial void LogAcceptFailed(ILogger logger, Exception e, string endPoint);
}

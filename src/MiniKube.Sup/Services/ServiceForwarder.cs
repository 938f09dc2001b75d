using System.Buffers;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using MiniKube.Sup.Networking;

namespace MiniKube.Sup.Services;

/// <summary>
/// What one Service port does with a connection, wherever it was accepted (the host's listener, or the gateway
/// inside an image pod): forwards it to a Ready endpoint, round-robin (kube-proxy's default for sessionAffinity
/// None). The endpoint set is swapped atomically; connections already established stay on their endpoint. With no
/// endpoint a connection is reset at once. A connect that fails, or an endpoint that closes before either side sent
/// a byte (its process died with the connection in its backlog), is retried on the next endpoint, as kube-proxy's
/// userspace mode retried dial failures. Each endpoint is dialled through its pod's network (from inside an image
/// pod's namespace). Once both ends are connected, the bytes are spliced from socket to socket in the kernel
/// (<see cref="SpliceRelay"/>), or, where that cannot be set up, copied with async socket I/O on pooled buffers.
/// Until then the sockets are connected and waited on by the relay's thread, not .NET's socket engine, which would
/// otherwise watch them for the rest of their life.
/// </summary>
public sealed class ServiceForwarder(PodNetworks networks) : IAsyncDisposable
{
    private const int BufferSize = 16 * 1024;
    private const int MaxAttempts = 3;
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(2);

    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<Socket, byte> _open = new();
    private readonly Lock _gate = new();
    private Backend[] _backends = [];
    private int _next = -1;

    /// <summary>Keep endpoints of terminating pods (publishNotReadyAddresses).</summary>
    public bool KeepsTerminating { get; set; }

    public IReadOnlyList<Backend> Backends => Volatile.Read(ref _backends);

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

    /// <summary>Takes over an accepted connection: forwards it to an endpoint, then closes it.</summary>
    public void Forward(Socket client) => Take(client, only: null);

    /// <summary>Takes over an accepted connection: forwards it to <paramref name="destination"/> (through the
    /// network of the pod there) whatever the endpoints, then closes it.</summary>
    public void ForwardTo(Socket client, IPEndPoint destination) =>
        Take(client, new Backend("", destination.Address.ToString(), destination.Port));

    private void Take(Socket client, Backend? only)
    {
        if (_stop.IsCancellationRequested)
        {
            client.Dispose();
            return;
        }
        _ = HandleAsync(client, only);
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

    private async Task HandleAsync(Socket client, Backend? only)
    {
        _open.TryAdd(client, 0);
        Socket? upstream = null;
        try
        {
            var relay = SpliceRelay.Shared;
            client.NoDelay = true;
            List<Backend>? excluded = null;
            for (var attempt = 0; ; attempt++)
            {
                var backend = only is null ? Pick(excluded) : attempt == 0 ? only : null;
                if (backend is null || attempt >= MaxAttempts)
                {
                    Reset(client);
                    return;
                }
                upstream = await ConnectAsync(relay, backend).ConfigureAwait(false);
                if (upstream is null)
                {
                    (excluded ??= []).Add(backend);
                    continue;
                }
                // A connection to one destination is passed through as it goes; one to a Service moves on to the next
                // endpoint if this one ends before either side sent a byte (its process died with the connection in
                // its backlog). Nothing is consumed: what either side sent is relayed.
                if (only is null
                    && await relay.WaitReadableAsync([client, upstream], _stop.Token).ConfigureAwait(false) == 1
                    && !Spoke(upstream))
                {
                    Close(upstream);
                    upstream = null;
                    (excluded ??= []).Add(backend);
                    continue;
                }
                await RelayAsync(relay, client, upstream).ConfigureAwait(false);
                return;
            }
        }
        catch (OperationCanceledException) { }
        catch (SocketException) { }
        catch (ObjectDisposedException) { }
        catch (IOException) { } // the process has no relay (no epoll set): the client is closed
        finally
        {
            if (upstream is not null) Close(upstream);
            Close(client);
        }
    }

    /// <summary>Whether what made the endpoint readable is something it sent (left in the socket for the relay), not
    /// its end of stream or a reset.</summary>
    private static bool Spoke(Socket upstream)
    {
        Span<byte> one = stackalloc byte[1];
        try { return upstream.Receive(one, SocketFlags.Peek) > 0; }
        catch (SocketException e) { return e.SocketErrorCode == SocketError.WouldBlock; }
    }

    /// <summary>Passes the connection's bytes both ways until both ends close: spliced in the kernel
    /// (<see cref="SpliceRelay"/>) where it can be, else copied through pooled buffers.</summary>
    private async Task RelayAsync(SpliceRelay relay, Socket client, Socket upstream)
    {
        bool clean;
        try { clean = await relay.RelayAsync(client, upstream, _stop.Token).ConfigureAwait(false); }
        catch (IOException)
        {
            // No pipe to splice through (descriptors exhausted): copy with .NET's socket engine instead.
            await CopyAsync(client, upstream).ConfigureAwait(false);
            return;
        }
        if (!clean)
        {
            // One side reset (or the daemon stops): reset the other too, as a direct connection would have seen.
            Reset(upstream);
            Reset(client);
        }
    }

    private static Task CopyAsync(Socket client, Socket upstream) => Task.WhenAll(
        PumpAsync(client, upstream),
        PumpAsync(upstream, client));

    /// <summary>A connection to <paramref name="backend"/> through its pod's network, made on the relay's thread
    /// (never .NET's socket engine, <see cref="SpliceRelay"/>); null when it cannot be made in time.</summary>
    private async Task<Socket?> ConnectAsync(SpliceRelay relay, Backend backend)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
        timeout.CancelAfter(ConnectTimeout);
        Socket? socket = null;
        try
        {
            (socket, var target) = await networks.Of(backend.EndPoint.Address).OpenAsync(backend.Port).ConfigureAwait(false);
            _open.TryAdd(socket, 0);
            socket.NoDelay = true;
            await relay.ConnectAsync(socket, target, timeout.Token).ConfigureAwait(false);
            return socket;
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException)
        {
            if (socket is not null) Close(socket);
            if (_stop.IsCancellationRequested) throw new OperationCanceledException();
            return null;
        }
    }

    /// <summary>Copies one direction until end of stream, then half-closes the other side (a client that shuts
    /// down its sending side still gets the whole answer).</summary>
    private static async Task PumpAsync(Socket from, Socket to)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
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
    internal static void Reset(Socket socket)
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

    /// <summary>Ends every connection it forwards.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        foreach (var s in _open.Keys) s.Dispose();
    }
}

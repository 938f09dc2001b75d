using System.Net;
using System.Net.Sockets;

namespace MiniKube.Sup.Networking;

/// <summary>
/// A pod in a network namespace of its own (an image pod: a podman pod). Inside it only 127.0.0.1 reaches the
/// containers and the host's loopback is out of reach, so every socket for the pod is made in its namespace:
/// connections go to 127.0.0.1:port there, listeners are bound there. Disposing it detaches it from
/// <see cref="PodNetworks"/> and lets the namespace go; sockets already made keep working until closed.
/// </summary>
public sealed class NamespacePodNetwork : IPodNetwork, IDisposable
{
    private readonly Action<NamespacePodNetwork> _detach;
    private readonly TaskCompletionSource _prepared = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _disposed;

    internal NamespacePodNetwork(IPAddress podIp, NetworkNamespace ns, Action<NamespacePodNetwork> detach)
    {
        PodIp = podIp;
        Namespace = ns;
        _detach = detach;
    }

    public IPAddress PodIp { get; }

    public NetworkNamespace Namespace { get; }

    /// <summary>Completes once what the daemon sets up inside the pod is in place (its containers reach Services,
    /// the API and other pods). It never fails (a failure is logged and retried) and never completes where nothing
    /// sets the pod up (no Service proxies): a pod may wait a short while for it before its containers start,
    /// never longer.</summary>
    public Task Prepared => _prepared.Task;

    internal void MarkPrepared() => _prepared.TrySetResult();

    public async Task<Socket> ConnectAsync(int port, CancellationToken cancellationToken)
    {
        var (socket, target) = await OpenAsync(port).ConfigureAwait(false);
        return await PodSockets.ConnectAsync(socket, target, cancellationToken).ConfigureAwait(false);
    }

    public async Task<(Socket Socket, IPEndPoint Target)> OpenAsync(int port) =>
        (await Namespace.CreateSocketAsync(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp).ConfigureAwait(false),
         new IPEndPoint(IPAddress.Loopback, port));

    public Socket Listen(IPEndPoint endPoint, int backlog) =>
        PodSockets.Listen(Namespace.CreateSocket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp), endPoint, backlog);

    /// <summary>From now on, connections made inside the pod to what <paramref name="redirects"/> names reach
    /// 127.0.0.1:<paramref name="port"/> inside it instead (replacing the redirects set before).</summary>
    /// <exception cref="IOException">the rules could not be set</exception>
    public Task RedirectAsync(LoopbackRedirects redirects, int port, CancellationToken cancellationToken) =>
        LoopbackRedirects.ApplyAsync(Namespace, redirects.Rules(port), cancellationToken);

    public override string ToString() => $"pod network {PodIp} ({Namespace.Description})";

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        _detach(this);
        Namespace.Dispose();
    }
}

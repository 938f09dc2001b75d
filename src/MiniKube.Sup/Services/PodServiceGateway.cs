using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using MiniKube.Sup.Networking;

namespace MiniKube.Sup.Services;

/// <summary>
/// How an image pod's containers reach every Service and the API: one listener inside the pod's namespace
/// (127.0.0.1, a port the kernel picks), and rules there that redirect connections to each Service's address and
/// port to it, as kube-proxy programs every node. Each connection goes to the forwarder of the Service it was
/// dialled for (its original destination), which sends it to a Ready endpoint; a connection that was dialled
/// for nothing we serve is reset.
/// </summary>
internal sealed class PodServiceGateway : IAsyncDisposable
{
    private readonly NamespacePodNetwork _network;
    private readonly Func<IPEndPoint, ServiceForwarder?> _route;
    private readonly AcceptLoop _accepting;
    private HashSet<IPEndPoint>? _redirected;

    /// <exception cref="SocketException">the listener cannot be made in the pod (its network is gone)</exception>
    public PodServiceGateway(NamespacePodNetwork network, Func<IPEndPoint, ServiceForwarder?> route, ILogger logger)
    {
        _network = network;
        _route = route;
        var listener = network.Listen(new IPEndPoint(IPAddress.Loopback, 0), 1024);
        Port = ((IPEndPoint)listener.LocalEndPoint!).Port;
        _accepting = new AcceptLoop(listener, Accepted, logger, $"service gateway of pod {network.PodIp}");
    }

    /// <summary>The gateway's port on 127.0.0.1 inside the pod.</summary>
    public int Port { get; }

    /// <summary>Makes the pod's redirects exactly <paramref name="destinations"/> (nothing is run when they are
    /// what was set last).</summary>
    /// <exception cref="IOException">the rules could not be set (they are tried again at the next call)</exception>
    public async Task RedirectAsync(IReadOnlyCollection<IPEndPoint> destinations, CancellationToken cancellationToken)
    {
        if (_redirected is { } current && current.SetEquals(destinations)) return;
        _redirected = null;
        await _network.RedirectAsync(destinations, Port, cancellationToken).ConfigureAwait(false);
        _redirected = [.. destinations];
    }

    private void Accepted(Socket client)
    {
        if (OriginalDestination.Of(client) is { } destination && _route(destination) is { } forwarder) forwarder.Forward(client);
        else ServiceForwarder.Reset(client);
    }

    public ValueTask DisposeAsync() => _accepting.DisposeAsync();
}

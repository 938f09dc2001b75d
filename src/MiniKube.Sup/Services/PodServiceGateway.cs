using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using MiniKube.Sup.Networking;

namespace MiniKube.Sup.Services;

/// <summary>
/// How an image pod's containers reach every Service, the API and other pods: one listener inside the pod's
/// namespace (127.0.0.1, a port the kernel picks), and rules there that redirect connections to each Service's
/// address and port, and to pod IPs, to it, as kube-proxy programs every node. Each connection goes where it was
/// dialled (its original destination, <see cref="PodRoutes"/>).
/// </summary>
internal sealed class PodServiceGateway : IAsyncDisposable
{
    private readonly NamespacePodNetwork _network;
    private readonly Func<PodRoutes> _routes;
    private readonly AcceptLoop _accepting;
    private string? _rules;

    /// <param name="routes">where connections go, now</param>
    /// <exception cref="SocketException">the listener cannot be made in the pod (its network is gone)</exception>
    public PodServiceGateway(NamespacePodNetwork network, Func<PodRoutes> routes, ILogger logger)
    {
        _network = network;
        _routes = routes;
        var listener = network.Listen(new IPEndPoint(IPAddress.Loopback, 0), 1024);
        Port = ((IPEndPoint)listener.LocalEndPoint!).Port;
        _accepting = new AcceptLoop(listener, Accepted, logger, $"service gateway of pod {network.PodIp}");
    }

    /// <summary>The gateway's port on 127.0.0.1 inside the pod.</summary>
    public int Port { get; }

    /// <summary>Makes the pod's redirects those of <paramref name="routes"/> (nothing is run when they are what
    /// was set last).</summary>
    /// <exception cref="IOException">the rules could not be set (they are tried again at the next call)</exception>
    public async Task RedirectAsync(PodRoutes routes, CancellationToken cancellationToken)
    {
        var rules = routes.Redirects.Rules(Port);
        if (rules == _rules) return;
        _rules = null;
        await _network.RedirectAsync(routes.Redirects, Port, cancellationToken).ConfigureAwait(false);
        _rules = rules;
    }

    private void Accepted(Socket client) => _routes().Forward(client, OriginalDestination.Of(client));

    public ValueTask DisposeAsync() => _accepting.DisposeAsync();
}

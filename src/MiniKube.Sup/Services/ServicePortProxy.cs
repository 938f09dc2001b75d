using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using MiniKube.Sup.Networking;

namespace MiniKube.Sup.Services;

/// <summary>
/// One Service port on the host: a TCP listener on the Service's address whose connections its
/// <see cref="Forwarder"/> sends to the Ready endpoints. Image pods reach the same forwarder through their
/// gateways (<see cref="PodServiceGateway"/>).
/// </summary>
public sealed class ServicePortProxy : IAsyncDisposable
{
    private readonly Socket _listener;
    private readonly ILogger _logger;
    private AcceptLoop? _accepting;

    /// <exception cref="SocketException">the address cannot be bound (in use, or a privileged port).</exception>
    public ServicePortProxy(IPEndPoint endPoint, PodNetworks networks, ILogger logger)
    {
        _logger = logger;
        EndPoint = endPoint;
        _listener = new HostPodNetwork(endPoint.Address).Listen(endPoint, 1024);
        Forwarder = new ServiceForwarder(networks);
    }

    public IPEndPoint EndPoint { get; }

    /// <summary>The address actually bound (the port, when 0 was asked for).</summary>
    public EndPoint ListenEndPoint => _listener.LocalEndPoint!;

    public ServiceForwarder Forwarder { get; }

    /// <summary>Keep endpoints of terminating pods (publishNotReadyAddresses).</summary>
    public bool KeepsTerminating
    {
        get => Forwarder.KeepsTerminating;
        set => Forwarder.KeepsTerminating = value;
    }

    public IReadOnlyList<Backend> Backends => Forwarder.Backends;

    public void Start() => _accepting ??= new AcceptLoop(_listener, Forwarder.Forward, _logger, $"service proxy {EndPoint}");

    public void SetBackends(IReadOnlyList<Backend> backends) => Forwarder.SetBackends(backends);

    /// <summary>Takes a pod's endpoints out of rotation at once (its termination has begun).</summary>
    public void Withdraw(string podIp) => Forwarder.Withdraw(podIp);

    public async ValueTask DisposeAsync()
    {
        if (_accepting is { } accepting) await accepting.DisposeAsync().ConfigureAwait(false);
        else _listener.Dispose();
        await Forwarder.DisposeAsync().ConfigureAwait(false);
    }
}

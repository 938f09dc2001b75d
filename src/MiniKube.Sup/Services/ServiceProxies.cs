using System.Collections.Frozen;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using MiniKube.Sup.Networking;
using MiniKube.Sup.Spec;

namespace MiniKube.Sup.Services;

/// <summary>The proxies of every Service (kube-proxy's job on one host): the Service controller says which
/// ports listen where and route to which endpoints; this opens, re-targets and closes the listeners on the host,
/// and gives image pods the same Services (and the daemon's API, when it is served on TCP, and every pod's IP)
/// through a gateway in each pod's network (<see cref="PodServiceGateway"/>).</summary>
/// <remarks>Inside a pod, 127.0.0.1 is the pod's own: a Service on 127.0.0.1 (one whose clusterIP is not a
/// loopback address) would take its port from the pod's containers there, so pods reach every Service at its
/// address in pods (<see cref="ServiceAddress.InPods"/>).
/// With <see cref="KernelForwarding"/>, new connections from the host to a port whose endpoints are all on the
/// host's network are forwarded in the kernel (DNAT), kept in line with the listeners' endpoints under the same lock;
/// the listener still holds the address (a port another program took is still found) and takes what the rules do
/// not (a port with no endpoint, or endpoints in image pods, which only a dial from inside their namespace reaches).</remarks>
public sealed partial class ServiceProxies : IAsyncDisposable, Pods.IPodTerminationListener
{
    private readonly ILogger _logger;
    private readonly PodNetworks _networks;
    private readonly (IPEndPoint EndPoint, ServiceForwarder Forwarder)? _api;
    private readonly ServiceForwarder _direct;
    private readonly ServiceGateways _gateways;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, List<ServicePortProxy>> _byService = new(StringComparer.Ordinal);
    private readonly Dictionary<string, IPAddress> _inPods = new(StringComparer.Ordinal);
    private readonly PodAddressRange _pods;
    private readonly KernelForwarding? _kernel;
    private readonly string _userspace;
    private volatile PodRoutes _routes;
    private bool _disposed;

    /// <param name="api">where the daemon serves its API on TCP (null: only on its Unix socket); image pods reach it
    /// at <see cref="ServiceAddress.ApiInPods"/>, as a cluster's pods reach the <c>kubernetes</c> Service</param>
    /// <param name="pods">the addresses this daemon gives pods (image pods reach them through their gateway)</param>
    /// <param name="kernel">the kernel forwarding to keep (disposed with this); null: every connection through the
    /// listeners</param>
    /// <param name="userspace">why forwarding is in user space when <paramref name="kernel"/> is null, for people</param>
    public ServiceProxies(ILogger logger, PodNetworks networks, TimeProvider time, IPEndPoint? api = null, PodAddressRange? pods = null,
        KernelForwarding? kernel = null, string userspace = "")
    {
        _kernel = kernel;
        _userspace = userspace;
        _pods = pods ?? PodAddressRange.Default;
        _logger = logger;
        _networks = networks;
        if (api is not null)
        {
            var forwarder = new ServiceForwarder(networks);
            forwarder.SetBackends([new Backend("api", api.Address.ToString(), api.Port)]);
            _api = (api, forwarder);
        }
        _direct = new ServiceForwarder(networks);
        _routes = new PodRoutes(FrozenDictionary<IPEndPoint, ServiceForwarder>.Empty, _direct, _pods);
        _gateways = new ServiceGateways(networks, () => _routes, time, logger);
        lock (_gate) PublishRoutes();
    }

    /// <summary>Makes the Service's listeners exactly <paramref name="ports"/> on <paramref name="address"/>, and
    /// gives pods the same ports at <paramref name="inPods"/>. Returns the ports that could not be bound, with the
    /// reason.</summary>
    public IReadOnlyList<string> Apply(string service, IPAddress address, IPAddress inPods, IReadOnlyList<(int Port, IReadOnlyList<Backend> Backends)> ports, bool keepTerminating)
    {
        var errors = new List<string>();
        var retired = new List<ServicePortProxy>();
        lock (_gate)
        {
            if (_disposed) return errors;
            var current = _byService.GetValueOrDefault(service) ?? [];
            var next = new List<ServicePortProxy>();
            var created = !inPods.Equals(_inPods.GetValueOrDefault(service));
            _inPods[service] = inPods;
            foreach (var (port, backends) in ports)
            {
                var endPoint = new IPEndPoint(address, port);
                var proxy = current.FirstOrDefault(p => p.EndPoint.Equals(endPoint));
                if (proxy is null)
                {
                    try
                    {
                        proxy = new ServicePortProxy(endPoint, _networks, _logger);
                        proxy.Start();
                        created = true;
                    }
                    catch (SocketException e)
                    {
                        errors.Add($"cannot listen on {endPoint}: {e.Message}");
                        continue;
                    }
                }
                proxy.KeepsTerminating = keepTerminating;
                proxy.SetBackends(backends);
                next.Add(proxy);
            }
            retired.AddRange(current.Where(p => !next.Contains(p)));
            if (next.Count == 0)
            {
                _byService.Remove(service);
                _inPods.Remove(service);
            }
            else _byService[service] = next;
            // Endpoints change often (every pod's readiness); what pods may dial only when listeners come and go.
            if (created || retired.Count > 0) PublishRoutes();
            SyncKernel();
        }
        foreach (var p in retired) _ = p.DisposeAsync().AsTask();
        return errors;
    }

    /// <summary>What the Service's proxy listens on now.</summary>
    public IReadOnlyList<IPEndPoint> Bound(string service)
    {
        lock (_gate) return _byService.TryGetValue(service, out var proxies) ? proxies.Select(p => (IPEndPoint)p.ListenEndPoint).ToList() : [];
    }

    public void Remove(string service)
    {
        List<ServicePortProxy>? gone;
        lock (_gate)
        {
            _inPods.Remove(service);
            if (_byService.Remove(service, out gone) is false) return;
            PublishRoutes();
            SyncKernel();
        }
        foreach (var p in gone!) _ = p.DisposeAsync().AsTask();
    }

    /// <summary>A pod's termination began: its endpoints leave every Service at once (before it is signalled).</summary>
    public void Terminating(string podIp) => Withdraw(podIp);

    public void Withdraw(string podIp)
    {
        lock (_gate)
        {
            foreach (var proxies in _byService.Values)
                foreach (var p in proxies) p.Withdraw(podIp);
            SyncKernel();
        }
    }

    /// <summary>How the Service's connections from the host are forwarded now, for people (describe).</summary>
    public string Forwarding(string service)
    {
        lock (_gate)
        {
            if (_kernel is null) return _userspace.Length > 0 ? $"user space ({_userspace})" : "user space";
            return _byService.GetValueOrDefault(service)?.All(InKernel) is false
                ? "user space (endpoints in image pods are reached from their network namespace)"
                : _kernel.Description;
        }
    }

    /// <summary>Rewrites the kernel's rules to the listeners' endpoints now. Called under the lock.</summary>
    private void SyncKernel()
    {
        if (_kernel is null) return;
        var ports = new List<(IPEndPoint, IReadOnlyList<IPEndPoint>)>();
        foreach (var proxies in _byService.Values)
            foreach (var p in proxies)
                if (InKernel(p)) ports.Add(((IPEndPoint)p.ListenEndPoint, p.Backends.Select(b => b.EndPoint).ToList()));
        try { _kernel.Apply(ports); }
        catch (IOException e) { LogKernelRulesFailed(_logger, e, _kernel.Rules.Table); }
    }

    /// <summary>Whether the kernel can take the port's connections: every endpoint is on the host's network.</summary>
    private bool InKernel(ServicePortProxy proxy) => proxy.Backends.All(b => _networks.Of(b.EndPoint.Address) is HostPodNetwork);

    /// <summary>The Service's listeners as they route now: the one window tests have on routing (the engine
    /// itself never asks).</summary>
    internal IReadOnlyList<ServicePortProxy> Of(string service)
    {
        lock (_gate) return _byService.GetValueOrDefault(service)?.ToList() ?? [];
    }

    /// <summary>What pods may dial, and where it goes. Called under the lock.</summary>
    private void PublishRoutes()
    {
        var routes = new Dictionary<IPEndPoint, ServiceForwarder>();
        foreach (var (service, proxies) in _byService)
            foreach (var proxy in proxies)
                routes[new IPEndPoint(_inPods[service], proxy.EndPoint.Port)] = proxy.Forwarder;
        if (_api is { } api) routes[ServiceAddress.ApiInPods] = api.Forwarder;
        _routes = new PodRoutes(routes.ToFrozenDictionary(), _direct, _pods);
        _gateways.Refresh();
    }

    public async ValueTask DisposeAsync()
    {
        List<ServicePortProxy> all;
        lock (_gate)
        {
            if (_disposed) return;
            _disposed = true;
            all = _byService.Values.SelectMany(p => p).ToList();
            _byService.Clear();
            _inPods.Clear();
        }
        // The rules first: no new connection goes to a listener or endpoint about to go.
        _kernel?.Dispose();
        await _gateways.DisposeAsync().ConfigureAwait(false);
        foreach (var p in all) await p.DisposeAsync().ConfigureAwait(false);
        if (_api is { } api) await api.Forwarder.DisposeAsync().ConfigureAwait(false);
        await _direct.DisposeAsync().ConfigureAwait(false);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Service rules in nftables table {Table} could not be written: connections keep the rules before")]
    private static partial void LogKernelRulesFailed(ILogger logger, Exception e, string table);
}

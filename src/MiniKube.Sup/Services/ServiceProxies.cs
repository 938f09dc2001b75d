using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;

namespace MiniKube.Sup.Services;

/// <summary>The proxies of every Service (kube-proxy's job on one host): the Service controller says which
/// ports listen where and route to which endpoints; this opens, re-targets and closes the listeners.</summary>
public sealed class ServiceProxies(ILogger logger) : IAsyncDisposable, Pods.IPodTerminationListener
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, List<ServicePortProxy>> _byService = new(StringComparer.Ordinal);
    private bool _disposed;

    /// <summary>Makes the Service's listeners exactly <paramref name="ports"/> on <paramref name="address"/>.
    /// Returns the ports that could not be bound, with the reason.</summary>
    public IReadOnlyList<string> Apply(string service, IPAddress address, IReadOnlyList<(int Port, IReadOnlyList<Backend> Backends)> ports, bool keepTerminating)
    {
        var errors = new List<string>();
        var retired = new List<ServicePortProxy>();
        lock (_gate)
        {
            if (_disposed) return errors;
            var current = _byService.GetValueOrDefault(service) ?? [];
            var next = new List<ServicePortProxy>();
            foreach (var (port, backends) in ports)
            {
                var endPoint = new IPEndPoint(address, port);
                var proxy = current.FirstOrDefault(p => p.EndPoint.Equals(endPoint));
                if (proxy is null)
                {
                    try
                    {
                        proxy = new ServicePortProxy(endPoint, logger);
                        proxy.Start();
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
            if (next.Count == 0) _byService.Remove(service);
            else _byService[service] = next;
        }
        foreach (var p in retired) _ = p.DisposeAsync().AsTask();
        return errors;
    }

    public void Remove(string service)
    {
        List<ServicePortProxy>? gone;
        lock (_gate)
            if (_byService.Remove(service, out gone) is false) return;
        foreach (var p in gone!) _ = p.DisposeAsync().AsTask();
    }

    /// <summary>A pod's termination began: its endpoints leave every Service at once (before it is signalled).</summary>
    public void Terminating(string podIp) => Withdraw(podIp);

    public void Withdraw(string podIp)
    {
        lock (_gate)
            foreach (var proxies in _byService.Values)
                foreach (var p in proxies) p.Withdraw(podIp);
    }

    /// <summary>The Service's listeners as they route now: the one window tests have on routing (the engine
    /// itself never asks).</summary>
    internal IReadOnlyList<ServicePortProxy> Of(string service)
    {
        lock (_gate) return _byService.GetValueOrDefault(service)?.ToList() ?? [];
    }

    public async ValueTask DisposeAsync()
    {
        List<ServicePortProxy> all;
        lock (_gate)
        {
            _disposed = true;
            all = _byService.Values.SelectMany(p => p).ToList();
            _byService.Clear();
        }
        foreach (var p in all) await p.DisposeAsync().ConfigureAwait(false);
    }
}

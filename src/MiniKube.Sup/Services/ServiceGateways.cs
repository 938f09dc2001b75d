using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using MiniKube.Sup.Networking;

namespace MiniKube.Sup.Services;

/// <summary>
/// Keeps a gateway in every image pod (<see cref="PodServiceGateway"/>) with the redirects of every route pods
/// may take: made when the pod's network is attached, re-pointed when Services change, closed when the pod's
/// network goes. Level-triggered on a loop of its own, woken by either kind of change; a pod whose redirects could
/// not be set is tried again after <see cref="RetryInterval"/>.
/// </summary>
internal sealed partial class ServiceGateways : IAsyncDisposable
{
    public static readonly TimeSpan RetryInterval = TimeSpan.FromSeconds(5);

    private readonly PodNetworks _networks;
    private readonly Func<PodRoutes> _routes;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly Dictionary<NamespacePodNetwork, PodServiceGateway> _gateways = [];
    private readonly Dictionary<NamespacePodNetwork, string> _reported = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly IDisposable _subscription;
    private readonly Task _loop;

    /// <param name="routes">where the connections of pods go, now</param>
    public ServiceGateways(PodNetworks networks, Func<PodRoutes> routes, TimeProvider time, ILogger logger)
    {
        _networks = networks;
        _routes = routes;
        _time = time;
        _logger = logger;
        _subscription = networks.Subscribe(Refresh);
        _loop = Task.Run(LoopAsync);
        Refresh();
    }

    /// <summary>Something changed (a pod's network, a route): the loop brings every gateway in line.</summary>
    public void Refresh() => _wake.Writer.TryWrite(true);

    private async Task LoopAsync()
    {
        try
        {
            while (await _wake.Reader.WaitToReadAsync(_stop.Token).ConfigureAwait(false))
            {
                _wake.Reader.TryRead(out _);
                if (!await SyncAsync().ConfigureAwait(false)) _ = RetryLaterAsync();
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested) { }
    }

    /// <returns>false when some pod's redirects could not be set</returns>
    private async Task<bool> SyncAsync()
    {
        var attached = _networks.Namespaced().ToHashSet();
        foreach (var network in _gateways.Keys.Where(n => !attached.Contains(n)).ToList())
        {
            await _gateways[network].DisposeAsync().ConfigureAwait(false);
            _gateways.Remove(network);
            _reported.Remove(network);
        }
        var routes = _routes();
        var done = true;
        foreach (var network in attached)
        {
            try
            {
                if (!_gateways.TryGetValue(network, out var gateway))
                    _gateways[network] = gateway = new PodServiceGateway(network, _routes, _logger);
                await gateway.RedirectAsync(routes, _stop.Token).ConfigureAwait(false);
                network.MarkPrepared();
                if (_reported.Remove(network)) LogRecovered(_logger, network.PodIp.ToString());
            }
            catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException)
            {
                done = false;
                // Once per pod and problem, not at every retry.
                if (_reported.GetValueOrDefault(network) != e.Message) LogFailed(_logger, network.PodIp.ToString(), e.Message);
                _reported[network] = e.Message;
            }
        }
        return done;
    }

    private async Task RetryLaterAsync()
    {
        try
        {
            await Task.Delay(RetryInterval, _time, _stop.Token).ConfigureAwait(false);
            Refresh();
        }
        catch (OperationCanceledException) { }
    }

    public async ValueTask DisposeAsync()
    {
        _subscription.Dispose();
        await _stop.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
        foreach (var gateway in _gateways.Values) await gateway.DisposeAsync().ConfigureAwait(false);
        _gateways.Clear();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "pod {PodIp}: its containers cannot reach Services: {Problem}")]
    private static partial void LogFailed(ILogger logger, string podIp, string problem);

    [LoggerMessage(Level = LogLevel.Information, Message = "pod {PodIp}: its containers reach Services again")]
    private static partial void LogRecovered(ILogger logger, string podIp);
}

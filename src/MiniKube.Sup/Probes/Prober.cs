using MiniKube.Sup.Networking;
using MiniKube.Sup.Runtime;

namespace MiniKube.Sup.Probes;

/// <summary>The host prober: hands each request to the prober of its handler (exec, httpGet, tcpSocket, grpc) and
/// runs sleep hooks on the clock. Exec handlers run through the container's runtime; network handlers dial through
/// the pods' networks.</summary>
public sealed class Prober(TimeProvider time, IContainerRuntime runtime, PodNetworks networks) : IProber
{
    private readonly ExecProber _exec = new(runtime);
    private readonly HttpGetProber _http = new(time, networks);
    private readonly TcpSocketProber _tcp = new(time, networks);
    private readonly GrpcProber _grpc = new(time, networks);

    public async Task<ProbeOutcome> ProbeAsync(ProbeRequest request, CancellationToken cancellationToken)
    {
        var action = request.Action;
        if (action.Exec is not null) return await _exec.ProbeAsync(request, cancellationToken).ConfigureAwait(false);
        if (action.HttpGet is not null) return await _http.ProbeAsync(request, cancellationToken).ConfigureAwait(false);
        if (action.TcpSocket is not null) return await _tcp.ProbeAsync(request, cancellationToken).ConfigureAwait(false);
        if (action.Sleep is { } sleep)
        {
            await Task.Delay(TimeSpan.FromSeconds(sleep.Seconds), time, cancellationToken).ConfigureAwait(false);
            return ProbeOutcome.Success();
        }
        if (action.Grpc is not null) return await _grpc.ProbeAsync(request, cancellationToken).ConfigureAwait(false);
        return ProbeOutcome.Error("invalid handler: none of exec, httpGet, tcpSocket, grpc, sleep");
    }
}

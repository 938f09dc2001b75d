using System.Net.Sockets;
using MiniKube.Sup.Networking;

namespace MiniKube.Sup.Probes;

/// <summary>k8s pkg/probe/tcp: success when a TCP connection is established within the timeout (it is closed at
/// once); refused or timed out is a failure. Host = tcpSocket.host, else the pod IP, dialled through the network of
/// the pod at that IP (<see cref="ProbeDialer"/>).</summary>
public sealed class TcpSocketProber(TimeProvider time, PodNetworks networks) : IProber
{
    public async Task<ProbeOutcome> ProbeAsync(ProbeRequest request, CancellationToken cancellationToken)
    {
        var action = request.Action.TcpSocket ?? throw new ArgumentException("not a tcpSocket handler", nameof(request));
        if (request.IsHook)
            return ProbeOutcome.Failure("tcpSocket lifecycle hooks are deprecated and not supported"); // k8s: fails at runtime
        if (ProbePorts.Resolve(action.Port, request.Target.Container, out var error) is not { } port) return ProbeOutcome.Error(error);
        var host = string.IsNullOrEmpty(action.Host) ? request.Target.PodIp ?? "127.0.0.1" : action.Host;
        var address = HostPort.Join(host, port);
        using var deadline = new ProbeDeadline(request.Timeout, time, cancellationToken);
        try
        {
            using var socket = await ProbeDialer.ConnectSocketAsync(networks, host, port, deadline.Token).ConfigureAwait(false);
            return ProbeOutcome.Success();
        }
        catch (OperationCanceledException) when (deadline.TimedOut)
        {
            return ProbeOutcome.Failure($"dial tcp {address}: i/o timeout");
        }
        catch (SocketException e)
        {
            return ProbeOutcome.Failure($"dial tcp {address}: {GoErrors.Socket(e)}");
        }
    }
}

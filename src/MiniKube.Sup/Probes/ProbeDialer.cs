using System.Net;
using System.Net.Sockets;
using MiniKube.Sup.Networking;

namespace MiniKube.Sup.Probes;

/// <summary>How a probe dials host:port, as the kubelet does from the node: an IP is reached through the network of
/// the pod that has it (from inside an image pod's namespace, where its containers listen), a name is resolved
/// and dialled from the host.</summary>
internal static class ProbeDialer
{
    public static async ValueTask<Stream> ConnectAsync(PodNetworks networks, DnsEndPoint endPoint, CancellationToken cancellationToken) =>
        new NetworkStream(await ConnectSocketAsync(networks, endPoint.Host, endPoint.Port, cancellationToken).ConfigureAwait(false), ownsSocket: true);

    public static async Task<Socket> ConnectSocketAsync(PodNetworks networks, string host, int port, CancellationToken cancellationToken)
    {
        if (IPAddress.TryParse(host.Trim('[', ']'), out var ip)) return await networks.Of(ip).ConnectAsync(port, cancellationToken).ConfigureAwait(false);
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(host, port, cancellationToken).ConfigureAwait(false);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}

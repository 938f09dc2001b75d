using System.Collections.Frozen;
using System.Net;
using System.Net.Sockets;
using MiniKube.Sup.Networking;

namespace MiniKube.Sup.Services;

/// <summary>
/// What an image pod's containers reach through its gateway, and where each goes: a Service's address and port
/// (or the API's) to its forwarder, and any of this daemon's pod IPs to that pod, directly (a pod's network namespace cannot reach
/// the host's loopback, where host pods listen and image pods' IPs are). A snapshot, swapped whole when Services
/// change.
/// </summary>
internal sealed class PodRoutes(FrozenDictionary<IPEndPoint, ServiceForwarder> services, ServiceForwarder direct, PodAddressRange pods)
{
    /// <summary>The redirects that bring these destinations to a pod's gateway.</summary>
    public LoopbackRedirects Redirects { get; } = new(services.Keys, [pods.Network],
        pods.Network.Contains(PodAddressRange.HostAddresses.BaseAddress) ? [PodAddressRange.HostAddresses] : []);

    /// <summary>Forwards a connection the gateway accepted to where it was dialled; one dialled elsewhere (the
    /// gateway's own port) is reset.</summary>
    public void Forward(Socket client, IPEndPoint? destination)
    {
        if (destination is null) ServiceForwarder.Reset(client);
        else if (services.TryGetValue(destination, out var forwarder)) forwarder.Forward(client);
        else if (pods.Contains(destination.Address)) direct.ForwardTo(client, destination);
        else ServiceForwarder.Reset(client);
    }
}

using System.Net;
using System.Net.Sockets;

namespace MiniKube.Sup.Networking;

/// <summary>
/// How the daemon reaches into one pod's network, as the kubelet's prober and kube-proxy reach pods from the node.
/// A host pod shares the host's network on its own loopback address; an image pod has a network namespace of its
/// own, where its containers are reached on 127.0.0.1 and which cannot reach the host's loopback, so the daemon
/// acts from inside it (<see cref="NamespacePodNetwork"/>).
/// </summary>
public interface IPodNetwork
{
    /// <summary>The pod's IP as the host knows it (status.podIP).</summary>
    IPAddress PodIp { get; }

    /// <summary>A TCP connection to the pod's <paramref name="port"/>, as its containers listen on it.</summary>
    /// <exception cref="SocketException">refused, unreachable, or the pod's network is gone
    /// (<see cref="NetworkNamespaceGoneException"/>)</exception>
    /// <exception cref="OperationCanceledException">cancelled</exception>
    Task<Socket> ConnectAsync(int port, CancellationToken cancellationToken);

    /// <summary>A TCP socket made in the pod's network, not connected, and the address that reaches the pod's
    /// <paramref name="port"/> from it: for a caller that connects it its own way (the Service relay, which keeps its
    /// sockets out of .NET's socket engine).</summary>
    /// <exception cref="NetworkNamespaceGoneException">the pod's network is gone</exception>
    Task<(Socket Socket, IPEndPoint Target)> OpenAsync(int port);

    /// <summary>A TCP socket bound to <paramref name="endPoint"/> in the pod's network and listening.</summary>
    /// <exception cref="SocketException">the address cannot be bound, or the pod's network is gone</exception>
    Socket Listen(IPEndPoint endPoint, int backlog);
}

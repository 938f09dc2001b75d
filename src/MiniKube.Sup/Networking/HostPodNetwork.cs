using System.Net;
using System.Net.Sockets;

namespace MiniKube.Sup.Networking;

/// <summary>A pod that shares the host's network (a host pod, or hostNetwork): reached on its IP, from here.</summary>
public sealed class HostPodNetwork(IPAddress podIp) : IPodNetwork
{
    public IPAddress PodIp { get; } = podIp;

    public Task<Socket> ConnectAsync(int port, CancellationToken cancellationToken) =>
        PodSockets.ConnectAsync(NewSocket(), new IPEndPoint(PodIp, port), cancellationToken);

    public Task<(Socket Socket, IPEndPoint Target)> OpenAsync(int port) =>
        Task.FromResult((NewSocket(), new IPEndPoint(PodIp, port)));

    public Socket Listen(IPEndPoint endPoint, int backlog) => PodSockets.Listen(NewSocket(), endPoint, backlog);

    private Socket NewSocket() => new(PodIp.AddressFamily, SocketType.Stream, ProtocolType.Tcp);

    public override string ToString() => $"host network ({PodIp})";
}

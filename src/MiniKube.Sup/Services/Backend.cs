using System.Net;

namespace MiniKube.Sup.Services;

/// <summary>One endpoint a Service port routes to: a pod's IP and the resolved target port.</summary>
public sealed record Backend(string Pod, string Ip, int Port)
{
    public IPEndPoint EndPoint { get; } = new(IPAddress.Parse(Ip), Port);

    public override string ToString() => $"{Ip}:{Port}";
}

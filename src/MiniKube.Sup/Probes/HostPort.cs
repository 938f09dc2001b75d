namespace MiniKube.Sup.Probes;

/// <summary>net.JoinHostPort: an IPv6 literal goes in brackets.</summary>
internal static class HostPort
{
    public static string Join(string host, int port) => host.Contains(':') ? $"[{host}]:{port}" : $"{host}:{port}";
}

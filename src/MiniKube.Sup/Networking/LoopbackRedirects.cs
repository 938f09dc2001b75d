using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace MiniKube.Sup.Networking;

/// <summary>
/// What connections made inside a pod's namespace go to one local port of ours instead of where they were
/// dialled, as kube-proxy's rules send a node's connections to Service IPs elsewhere: some addresses and ports
/// (Services, the API), and whole address ranges (other pods' IPs) less some exempt ones. A listener bound on a
/// Service's own address and port inside the pod would take that port from the pod's containers (a container
/// listening on 0.0.0.0:80 could not bind while we held 127.0.0.5:80, nor we after it): a REDIRECT takes nothing.
/// The rules are the whole nat table of the pod's namespace (nothing else writes there), replaced at once by
/// iptables-restore.
/// </summary>
public sealed record LoopbackRedirects(IReadOnlyCollection<IPEndPoint> Destinations, IReadOnlyCollection<IPNetwork> Ranges, IReadOnlyCollection<IPNetwork> Exempt)
{
    /// <summary>iptables-restore input: every IPv4 destination (in a stable order), then the exempt ranges left
    /// alone, then the ranges, redirected to 127.0.0.1:<paramref name="port"/>.</summary>
    public string Rules(int port)
    {
        var text = new StringBuilder();
        text.Append("*nat\n:PREROUTING ACCEPT [0:0]\n:INPUT ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n:POSTROUTING ACCEPT [0:0]\n");
        foreach (var d in Destinations.Where(d => d.AddressFamily == AddressFamily.InterNetwork).Distinct()
                     .OrderBy(d => d.Address.ToString(), StringComparer.Ordinal).ThenBy(d => d.Port))
            text.Append(CultureInfo.InvariantCulture, $"-A OUTPUT -d {d.Address}/32 -p tcp -m tcp --dport {d.Port} -j REDIRECT --to-ports {port}\n");
        foreach (var range in Exempt.Where(IsIPv4)) text.Append(CultureInfo.InvariantCulture, $"-A OUTPUT -d {range} -p tcp -j RETURN\n");
        foreach (var range in Ranges.Where(IsIPv4)) text.Append(CultureInfo.InvariantCulture, $"-A OUTPUT -d {range} -p tcp -j REDIRECT --to-ports {port}\n");
        text.Append("COMMIT\n");
        return text.ToString();
    }

    /// <summary>Replaces the redirects of <paramref name="ns"/> with <paramref name="rules"/> (from
    /// <see cref="Rules"/>).</summary>
    /// <exception cref="IOException">iptables-restore could not be run there, or refused the rules</exception>
    internal static Task ApplyAsync(NetworkNamespace ns, string rules, CancellationToken cancellationToken) =>
        NamespaceCommand.RunAsync(ns, ["iptables-restore", "--wait", "5"], rules, cancellationToken);

    private static bool IsIPv4(IPNetwork range) => range.BaseAddress.AddressFamily == AddressFamily.InterNetwork;
}

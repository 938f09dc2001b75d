using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace MiniKube.Sup.Networking;

/// <summary>
/// The netfilter rules that send connections made inside a pod's namespace to given addresses and ports (Services,
/// the API) to one local port of ours instead, as kube-proxy's rules send a node's connections to Service IPs
/// elsewhere. A listener bound on a Service's own address and port inside the pod would take that port from the
/// pod's containers (a container listening on 0.0.0.0:80 could not bind while we held 127.0.0.5:80, nor we after
/// it): a REDIRECT takes nothing. The rules are the whole nat table of the pod's namespace (nothing else writes
/// there), replaced at once by iptables-restore.
/// </summary>
public static class LoopbackRedirects
{
    /// <summary>iptables-restore input: every IPv4 destination, in a stable order, redirected to
    /// 127.0.0.1:<paramref name="port"/>.</summary>
    public static string Rules(IEnumerable<IPEndPoint> destinations, int port)
    {
        var text = new StringBuilder();
        text.Append("*nat\n:PREROUTING ACCEPT [0:0]\n:INPUT ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n:POSTROUTING ACCEPT [0:0]\n");
        foreach (var d in destinations.Where(d => d.AddressFamily == AddressFamily.InterNetwork).Distinct().OrderBy(d => d.Address.ToString(), StringComparer.Ordinal).ThenBy(d => d.Port))
            text.Append(CultureInfo.InvariantCulture, $"-A OUTPUT -d {d.Address}/32 -p tcp -m tcp --dport {d.Port} -j REDIRECT --to-ports {port}\n");
        text.Append("COMMIT\n");
        return text.ToString();
    }

    /// <summary>Replaces the redirects of <paramref name="ns"/> with <paramref name="destinations"/> →
    /// 127.0.0.1:<paramref name="port"/>.</summary>
    /// <exception cref="IOException">iptables-restore could not be run there, or refused the rules</exception>
    public static Task ApplyAsync(NetworkNamespace ns, IEnumerable<IPEndPoint> destinations, int port, CancellationToken cancellationToken) =>
        NamespaceCommand.RunAsync(ns, ["iptables-restore", "--wait", "5"], Rules(destinations, port), cancellationToken);
}

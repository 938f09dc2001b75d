using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace MiniKube.Sup.Services;

/// <summary>
/// The nftables table that forwards a daemon's Services in the kernel, as kube-proxy's nftables mode does for a
/// node's own connections: a nat chain on the output hook sends each new connection to a Service address and port
/// (by a verdict map) to that port's chain, which picks one of its Ready endpoints at random
/// (<c>numgen random mod N vmap</c>) and DNATs to it, counting the connections each endpoint was given (<c>nft list
/// table</c> shows them). Conntrack keeps an established connection on its endpoint
/// when the rules change. The whole table is rewritten in one <c>nft -f</c> transaction (create, delete, create:
/// atomic, and whatever a killed daemon left in it is gone), so a reader never sees half a change.
/// </summary>
/// <param name="Table">the table's name, of one daemon alone (<see cref="NameFor"/>)</param>
public sealed record KernelServiceRules(string Table)
{
    /// <summary>Before the nat table's own output chains (iptables-nft and netavark sit at -100).</summary>
    private const int Priority = -101;

    /// <summary>Every table a sup daemon makes starts so (leak checks look for it).</summary>
    public const string Prefix = "sup_";

    /// <summary>The table of the daemon whose state-dir id is <paramref name="daemonId"/>.</summary>
    public static string NameFor(string daemonId) => Prefix + daemonId;

    /// <summary>The transaction that makes the table exactly <paramref name="ports"/>: each Service address and port
    /// with the endpoints new connections to it go to (a port with none is left out: its connections reach the
    /// daemon's placeholder listener, which resets them as a cluster's Service without endpoints rejects them).
    /// Only IPv4 addresses are written. With nothing to forward there is no table at all: a daemon without Services (or
    /// killed while it had none) leaves nothing in the kernel.</summary>
    public string Render(IReadOnlyList<(IPEndPoint Service, IReadOnlyList<IPEndPoint> Endpoints)> ports)
    {
        var forwarded = ports
            .Where(p => p.Service.AddressFamily == AddressFamily.InterNetwork && p.Endpoints.Count > 0 && p.Endpoints.All(IsIPv4))
            .OrderBy(p => p.Service.Address.ToString(), StringComparer.Ordinal).ThenBy(p => p.Service.Port)
            .ToList();
        return forwarded.Count == 0 ? Removal() : Write(forwarded);
    }

    /// <summary>The table with its nat chain and nothing in it, for a check (<c>nft -c</c>) that the kernel can take it.</summary>
    public string Probe() => Write([]);

    private string Write(List<(IPEndPoint Service, IReadOnlyList<IPEndPoint> Endpoints)> forwarded)
    {
        var text = new StringBuilder();
        Reset(text);
        text.Append(CultureInfo.InvariantCulture, $"table ip {Table} {{\n");
        text.Append("\tchain output {\n");
        text.Append(CultureInfo.InvariantCulture, $"\t\ttype nat hook output priority {Priority}; policy accept;\n");
        if (forwarded.Count > 0)
            text.Append("\t\tip daddr . tcp dport vmap { ")
                .AppendJoin(", ", forwarded.Select((p, i) => $"{p.Service.Address} . {p.Service.Port} : goto svc_{i}"))
                .Append(" }\n");
        text.Append("\t}\n");
        for (var i = 0; i < forwarded.Count; i++)
        {
            var endpoints = forwarded[i].Endpoints;
            text.Append(CultureInfo.InvariantCulture, $"\tchain svc_{i} {{\n");
            text.Append(CultureInfo.InvariantCulture, $"\t\tnumgen random mod {endpoints.Count} vmap {{ ")
                .AppendJoin(", ", endpoints.Select((_, j) => $"{j} : goto ep_{i}_{j}"))
                .Append(" }\n\t}\n");
            for (var j = 0; j < endpoints.Count; j++)
                text.Append(CultureInfo.InvariantCulture, $"\tchain ep_{i}_{j} {{\n\t\tmeta l4proto tcp counter dnat to {endpoints[j].Address}:{endpoints[j].Port}\n\t}}\n");
        }
        text.Append("}\n");
        return text.ToString();
    }

    /// <summary>The transaction that removes the table, whether it exists or not.</summary>
    public string Removal()
    {
        var text = new StringBuilder();
        Reset(text);
        return text.ToString();
    }

    // "table" adds it when missing (nft has no "delete if exists" before 1.0.8's destroy), then delete takes it whole.
    private void Reset(StringBuilder text) =>
        text.Append(CultureInfo.InvariantCulture, $"table ip {Table} {{\n}}\ndelete table ip {Table}\n");

    private static bool IsIPv4(IPEndPoint e) => e.AddressFamily == AddressFamily.InterNetwork;
}

using System.Globalization;
using System.Text;
using k8s.Models;
using MiniKube.Sup.Api;

namespace MiniKube.Sup.Daemon.Commands;

/// <summary>kubectl describe's layout (pkg/describe) for NetworkPolicies: the selected pods, then each ingress and
/// egress rule's ports and peers. The events follow (written by the caller).</summary>
internal static class NetworkPolicyDescription
{
    public static string Describe(V1NetworkPolicy policy)
    {
        var created = policy.Metadata.CreationTimestamp?.ToUniversalTime() ?? DateTime.MinValue;
        var t = new StringBuilder(ObjectDescription.Lines(
        [
            ("Name:", [policy.Metadata.Name]),
            ("Namespace:", [policy.Metadata.NamespaceProperty ?? "default"]),
            // Go's time.Time String(): fractional seconds without trailing zeros.
            ("Created on:", [created.ToString("yyyy-MM-dd HH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture).TrimEnd('.') + " +0000 UTC"]),
            ("Labels:", ObjectDescription.Pairs(policy.Metadata.Labels, "=")),
            ("Annotations:", ObjectDescription.Pairs(policy.Metadata.Annotations, ": ")),
        ]));
        var spec = policy.Spec ?? new V1NetworkPolicySpec();
        var types = spec.PolicyTypes ?? [];
        t.Append("Spec:\n  PodSelector:     ").Append(Selector(spec.PodSelector, "<none> (Allowing the specific traffic to all pods in this namespace)")).Append('\n');
        // getPolicyType: only the declared policy types count (the API server fills them in: ManifestDefaults).
        Direction(t, "ingress", "From", types.Contains("Ingress"),
            spec.Ingress?.Select(r => ((IList<V1NetworkPolicyPort>?)r.Ports, (IList<V1NetworkPolicyPeer>?)r.FromProperty)).ToList() ?? []);
        Direction(t, "egress", "To", types.Contains("Egress"),
            spec.Egress?.Select(r => ((IList<V1NetworkPolicyPort>?)r.Ports, (IList<V1NetworkPolicyPeer>?)r.To)).ToList() ?? []);
        t.Append("  Policy Types: ").Append(types.Count > 0 ? string.Join(", ", types) : "<none>").Append('\n');
        return t.ToString();
    }

    private static void Direction(StringBuilder t, string direction, string peerLabel, bool affected,
        IReadOnlyList<(IList<V1NetworkPolicyPort>? Ports, IList<V1NetworkPolicyPeer>? Peers)> rules)
    {
        if (!affected) { t.Append($"  Not affecting {direction} traffic\n"); return; }
        t.Append($"  Allowing {direction} traffic:\n");
        if (rules.Count == 0) { t.Append($"    <none> (Selected pods are isolated for {direction} connectivity)\n"); return; }
        for (var i = 0; i < rules.Count; i++)
        {
            if (i > 0) t.Append("    ----------\n");
            var (ports, peers) = rules[i];
            if (ports is not { Count: > 0 }) t.Append("    To Port: <any> (traffic allowed to all ports)\n");
            else foreach (var p in ports)
                t.Append(p.EndPort is { } end
                    ? $"    To Port Range: {p.Port?.Value}-{end.ToString(CultureInfo.InvariantCulture)}/{p.Protocol ?? "TCP"}\n"
                    : $"    To Port: {Port(p.Port)}/{p.Protocol ?? "TCP"}\n");
            if (peers is not { Count: > 0 })
            {
                t.Append($"    {peerLabel}: <any> (traffic not restricted by {(peerLabel == "From" ? "source" : "destination")})\n");
                continue;
            }
            foreach (var peer in peers)
            {
                t.Append($"    {peerLabel}:\n");
                // One of: both selectors, one, or an IP block (kubectl's order).
                if (peer.NamespaceSelector is { } ns) t.Append("      NamespaceSelector: ").Append(Selector(ns, "<none>")).Append('\n');
                if (peer.PodSelector is { } pods) t.Append("      PodSelector: ").Append(Selector(pods, "<none>")).Append('\n');
                if (peer is { IpBlock: { } block, PodSelector: null, NamespaceSelector: null })
                {
                    t.Append("      IPBlock:\n        CIDR: ").Append(block.Cidr).Append('\n');
                    t.Append("        Except: ").Append(string.Join(", ", block.Except ?? [])).Append('\n');
                }
            }
        }
    }

    /// <summary>Go's %s of an *IntOrString: &lt;nil&gt; for a port that is not given (all ports of the protocol).</summary>
    private static string Port(IntOrString? port) => port?.Value ?? "<nil>";

    private static string Selector(V1LabelSelector? selector, string none) =>
        selector is { MatchLabels.Count: > 0 } or { MatchExpressions.Count: > 0 } ? Tables.Selector(selector) : none;
}

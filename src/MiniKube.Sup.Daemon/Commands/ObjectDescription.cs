using System.Globalization;
using System.Text;
using k8s.Models;
using MiniKube.Sup.Api;
using MiniKube.Sup.Printing;

namespace MiniKube.Sup.Daemon.Commands;

/// <summary>kubectl describe's layout (pkg/describe) for PersistentVolumeClaims, Endpoints and ServiceAccounts. The
/// events follow (written by the caller).</summary>
internal static class ObjectDescription
{
    /// <param name="usedBy">the pods whose volumes name the claim (kubectl's "Used By")</param>
    public static string Claim(V1PersistentVolumeClaim claim, IReadOnlyList<string> usedBy)
    {
        var status = claim.Status ?? new V1PersistentVolumeClaimStatus();
        // GetAccessModesAsString: RWO,ROX,RWX,RWOP in that order.
        var modes = Tables.AccessModes(status.AccessModes);
        List<(string, List<string>)> lines =
        [
            ("Name:", [claim.Metadata.Name]),
            ("Namespace:", [Ns(claim.Metadata)]),
            ("StorageClass:", [claim.Spec?.StorageClassName ?? ""]),
            ("Status:", [claim.Metadata.DeletionTimestamp is null ? status.Phase ?? "" : "Terminating"]),
            ("Volume:", [claim.Spec?.VolumeName ?? ""]),
            ("Labels:", Pairs(claim.Metadata.Labels, "=")),
            ("Annotations:", Pairs(claim.Metadata.Annotations, ": ")),
            ("Finalizers:", ["[" + string.Join(" ", claim.Metadata.Finalizers ?? []) + "]"]),
            ("Capacity:", [status.Capacity?.TryGetValue("storage", out var size) == true ? size.ToString() : ""]),
            ("Access Modes:", [modes]),
        ];
        if (claim.Spec?.VolumeMode is { } mode) lines.Add(("VolumeMode:", [mode]));
        lines.Add(("Used By:", usedBy.Count > 0 ? usedBy.Order(StringComparer.Ordinal).ToList() : ["<none>"]));
        return Lines(lines);
    }

    public static string Endpoints(V1Endpoints endpoints)
    {
        var t = new StringBuilder(Lines(
        [
            ("Name:", [endpoints.Metadata.Name]),
            ("Namespace:", [Ns(endpoints.Metadata)]),
            ("Labels:", Pairs(endpoints.Metadata.Labels, "=")),
            ("Annotations:", Pairs(endpoints.Metadata.Annotations, ": ")),
        ]));
        t.Append("Subsets:\n");
        foreach (var subset in endpoints.Subsets ?? [])
        {
            t.Append(Lines(
            [
                ("Addresses:", [Addresses(subset.Addresses)]),
                ("NotReadyAddresses:", [Addresses(subset.NotReadyAddresses)]),
            ], indent: 2));
            if (subset.Ports is { Count: > 0 } ports)
            {
                t.Append("  Ports:\n");
                string[][] rows =
                [
                    ["Name", "Port", "Protocol"], ["----", "----", "--------"],
                    .. ports.Select(p => new[] { string.IsNullOrEmpty(p.Name) ? "<unset>" : p.Name, p.Port.ToString(CultureInfo.InvariantCulture), p.Protocol ?? "TCP" }),
                ];
                t.Append(Columns(rows, indent: 4));
            }
            t.Append('\n');
        }
        return t.ToString();
    }

    public static string ServiceAccount(V1ServiceAccount account) => Lines(
    [
        ("Name:", [account.Metadata.Name]),
        ("Namespace:", [Ns(account.Metadata)]),
        ("Labels:", Pairs(account.Metadata.Labels, "=")),
        ("Annotations:", Pairs(account.Metadata.Annotations, ": ")),
        ("Image pull secrets:", Names(account.ImagePullSecrets?.Select(s => s.Name))),
        ("Mountable secrets:", Names(account.Secrets?.Select(s => s.Name))),
        ("Tokens:", ["<none>"]),
    ]);

    private static string Addresses(IList<V1EndpointAddress>? addresses) =>
        addresses is { Count: > 0 } ? string.Join(",", addresses.Select(a => a.Ip)) : "<none>";

    private static List<string> Names(IEnumerable<string?>? names) =>
        names?.Where(n => n is not null).Select(n => n!).ToList() is { Count: > 0 } list ? list : ["<none>"];

    internal static List<string> Pairs(IDictionary<string, string>? map, string separator) =>
        map is { Count: > 0 } ? map.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{kv.Key}{separator}{kv.Value}").ToList() : ["<none>"];

    private static string Ns(V1ObjectMeta meta) => meta.NamespaceProperty ?? "default";

    /// <summary>A table as Go's tabwriter pads it for kubectl describe: each column two spaces wider than its widest cell.</summary>
    internal static string Columns(IReadOnlyList<string[]> rows, int indent)
    {
        var widths = Enumerable.Range(0, rows[0].Length).Select(c => rows.Max(r => ControlCharacters.Escape(r[c]).Length) + 2).ToArray();
        var t = new StringBuilder();
        foreach (var row in rows)
        {
            t.Append(' ', indent);
            for (var c = 0; c < row.Length; c++)
            {
                var cell = ControlCharacters.Escape(row[c]);
                t.Append(c == row.Length - 1 ? cell : cell.PadRight(widths[c]));
            }
            t.Append('\n');
        }
        return t.ToString();
    }

    /// <summary>Label/value lines padded to the block's longest label plus two, as Go's tabwriter lays them out; a
    /// value of several lines continues under the first.</summary>
    internal static string Lines(IReadOnlyList<(string Label, List<string> Values)> lines, int indent = 0)
    {
        var t = new StringBuilder();
        var width = lines.Max(l => l.Label.Length) + 2;
        foreach (var (label, values) in lines)
        {
            for (var i = 0; i < values.Count; i++)
                t.Append(' ', indent).Append((i == 0 ? label : "").PadRight(width)).Append(ControlCharacters.Escape(values[i])).Append('\n');
        }
        return t.ToString();
    }
}

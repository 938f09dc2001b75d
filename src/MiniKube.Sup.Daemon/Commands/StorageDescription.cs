using k8s.Models;
using MiniKube.Sup.Api;

namespace MiniKube.Sup.Daemon.Commands;

/// <summary>kubectl describe's layout (pkg/describe) for StorageClasses and PersistentVolumes. The events follow
/// (written by the caller).</summary>
internal static class StorageDescription
{
    public static DescribeWriter StorageClass(V1StorageClass c)
    {
        var annotations = c.Metadata.Annotations ?? new Dictionary<string, string>();
        var isDefault = new[] { "storageclass.kubernetes.io/is-default-class", "storageclass.beta.kubernetes.io/is-default-class" }
            .Any(key => annotations.TryGetValue(key, out var value) && value == "true");
        var w = new DescribeWriter()
            .Write(0, $"Name:\t{c.Metadata.Name}\n")
            .Write(0, $"IsDefaultClass:\t{(isDefault ? "Yes" : "No")}\n")
            .Write(0, $"Annotations:\t{Joined(c.Metadata.Annotations)}\n")
            .Write(0, $"Provisioner:\t{c.Provisioner}\n")
            .Write(0, $"Parameters:\t{Joined(c.Parameters)}\n")
            .Write(0, $"AllowVolumeExpansion:\t{(c.AllowVolumeExpansion is { } expand ? (expand ? "True" : "False") : "<unset>")}\n");
        if (c.MountOptions is not { Count: > 0 } options) w.Write(0, "MountOptions:\t<none>\n");
        else
        {
            w.Write(0, "MountOptions:\n");
            foreach (var option in options) w.Write(1, option + "\n");
        }
        if (c.ReclaimPolicy is { } reclaim) w.Write(0, $"ReclaimPolicy:\t{reclaim}\n");
        if (c.VolumeBindingMode is { } binding) w.Write(0, $"VolumeBindingMode:\t{binding}\n");
        if (c.AllowedTopologies is { } topologies)
        {
            // printAllowedTopologies: each term's label requirements, one a line.
            w.Write(0, "AllowedTopologies:\t");
            if (topologies.Count == 0) w.Write(0, "<none>\n");
            else
            {
                w.Write(0, "\n");
                for (var i = 0; i < topologies.Count; i++)
                    Requirements(w, $"Term {i}", (topologies[i].MatchLabelExpressions ?? [])
                        .Select(r => r.Values is { Count: > 0 } values ? $"{r.Key} in [{string.Join(", ", values)}]" : $"{r.Key} in").ToList());
            }
        }
        return w;
    }

    public static DescribeWriter PersistentVolume(V1PersistentVolume pv)
    {
        var spec = pv.Spec ?? new V1PersistentVolumeSpec();
        var w = new DescribeWriter()
            .Write(0, $"Name:\t{pv.Metadata.Name}\n")
            .Labels("Labels", pv.Metadata.Labels)
            .Annotations("Annotations", pv.Metadata.Annotations)
            .Write(0, $"Finalizers:\t[{string.Join(" ", pv.Metadata.Finalizers ?? [])}]\n")
            // storageutil.GetPersistentVolumeClass: the beta annotation first.
            .Write(0, $"StorageClass:\t{(pv.Metadata.Annotations?.TryGetValue(Tables.BetaStorageClassAnnotation, out var beta) == true ? beta : spec.StorageClassName)}\n")
            .Write(0, pv.Metadata.DeletionTimestamp is null ? $"Status:\t{pv.Status?.Phase}\n" : "Status:\tTerminating\n")
            .Write(0, $"Claim:\t{(spec.ClaimRef is { } claim ? claim.NamespaceProperty + "/" + claim.Name : "")}\n")
            .Write(0, $"Reclaim Policy:\t{spec.PersistentVolumeReclaimPolicy}\n")
            .Write(0, $"Access Modes:\t{Tables.AccessModes(spec.AccessModes)}\n");
        if (spec.VolumeMode is { } mode) w.Write(0, $"VolumeMode:\t{mode}\n");
        w.Write(0, $"Capacity:\t{(spec.Capacity?.TryGetValue("storage", out var size) == true ? size.ToString() : "0")}\n");
        w.Write(0, "Node Affinity:\t");
        if (spec.NodeAffinity?.Required is not { } required) w.Write(0, "<none>\n");
        else
        {
            w.Write(0, "\n").Write(1, "Required Terms:\t");
            if (required.NodeSelectorTerms is not { Count: > 0 } terms) w.Write(0, "<none>\n");
            else
            {
                w.Write(0, "\n");
                for (var i = 0; i < terms.Count; i++)
                    Requirements(w, $"Term {i}", (terms[i].MatchExpressions ?? [])
                        .Select(r => $"{r.Key} {r.OperatorProperty.ToLowerInvariant()}" + (r.Values is { Count: > 0 } values ? $" [{string.Join(", ", values)}]" : "")).ToList(),
                        level: 2);
            }
        }
        w.Write(0, $"Message:\t{pv.Status?.Message}\n").Write(0, "Source:\n");
        if (spec.HostPath is { } host)
            w.Write(2, $"Type:\tHostPath (bare host directory volume)\n    Path:\t{host.Path}\n    HostPathType:\t{(string.IsNullOrEmpty(host.Type) ? "<none>" : host.Type)}\n");
        else if (spec.Local is { } local)
            w.Write(2, $"Type:\tLocalVolume (a persistent volume backed by local storage on a node)\n    Path:\t{local.Path}\n");
        else if (spec.Nfs is { } nfs)
            w.Write(2, $"Type:\tNFS (an NFS mount that lasts the lifetime of a pod)\n    Server:\t{nfs.Server}\n    Path:\t{nfs.Path}\n    ReadOnly:\t{Bool(nfs.ReadOnlyProperty)}\n");
        else if (spec.Csi is { } csi)
        {
            w.Write(2, $"Type:\tCSI (a Container Storage Interface (CSI) volume source)\n    Driver:\t{csi.Driver}\n    FSType:\t{csi.FsType}\n    VolumeHandle:\t{csi.VolumeHandle}\n    ReadOnly:\t{Bool(csi.ReadOnlyProperty)}\n");
            w.Write(2, "VolumeAttributes:\t");
            if (csi.VolumeAttributes is not { Count: > 0 } attributes) w.Write(0, "<none>\n");
            else
            {
                var first = true;
                foreach (var (key, value) in attributes.OrderBy(kv => kv.Key, StringComparer.Ordinal))
                {
                    if (!first) w.Write(2, "").Write(2, "\t");
                    first = false;
                    var line = $"{key}={value}";
                    w.Write(2, (line.Length > 140 ? line[..140] + "..." : line) + "\n");
                }
            }
        }
        else w.Write(1, "<unknown>\n");
        return w;
    }

    /// <summary>printNodeSelectorTermsMultilineWithIndent / printTopologySelectorTermsMultilineWithIndent.</summary>
    private static void Requirements(DescribeWriter w, string title, IReadOnlyList<string> requirements, int level = 1)
    {
        w.Write(level, title + ":\t");
        if (requirements.Count == 0) { w.Write(0, "<none>\n"); return; }
        for (var i = 0; i < requirements.Count; i++)
        {
            if (i > 0) w.Write(level, "\t");
            w.Write(0, requirements[i] + "\n");
        }
    }

    private static string Bool(bool? value) => value == true ? "true" : "false";

    /// <summary>labels.FormatLabels: k=v sorted by key, comma-separated; &lt;none&gt; when empty.</summary>
    private static string Joined(IDictionary<string, string>? map) =>
        map is { Count: > 0 } ? string.Join(",", map.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{kv.Key}={kv.Value}")) : "<none>";
}

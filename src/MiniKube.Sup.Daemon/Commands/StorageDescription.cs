using k8s.Models;

namespace MiniKube.Sup.Daemon.Commands;

/// <summary>kubectl describe's layout (pkg/describe) for StorageClasses. The events follow (written by the caller).
/// AllowedTopologies are not shown.</summary>
internal static class StorageDescription
{
    public static string StorageClass(V1StorageClass c)
    {
        var annotations = c.Metadata.Annotations ?? new Dictionary<string, string>();
        var isDefault = new[] { "storageclass.kubernetes.io/is-default-class", "storageclass.beta.kubernetes.io/is-default-class" }
            .Any(key => annotations.TryGetValue(key, out var value) && value == "true");
        List<(string, List<string>)> head =
        [
            ("Name:", [c.Metadata.Name]),
            ("IsDefaultClass:", [isDefault ? "Yes" : "No"]),
            ("Annotations:", [Joined(c.Metadata.Annotations)]),
            ("Provisioner:", [c.Provisioner]),
            ("Parameters:", [Joined(c.Parameters)]),
            ("AllowVolumeExpansion:", [c.AllowVolumeExpansion is { } expand ? (expand ? "True" : "False") : "<unset>"]),
        ];
        List<(string, List<string>)> tail = [];
        if (c.ReclaimPolicy is { } reclaim) tail.Add(("ReclaimPolicy:", [reclaim]));
        if (c.VolumeBindingMode is { } binding) tail.Add(("VolumeBindingMode:", [binding]));
        // A line without a tab ends Go's tabwriter block: the mount options split the alignment in two.
        if (c.MountOptions is not { Count: > 0 } options)
            return ObjectDescription.Lines([.. head, ("MountOptions:", ["<none>"]), .. tail]);
        return ObjectDescription.Lines(head) + "MountOptions:\n" + string.Concat(options.Select(o => "  " + o + "\n"))
            + (tail.Count > 0 ? ObjectDescription.Lines(tail) : "");
    }

    /// <summary>labels.FormatLabels: k=v sorted by key, comma-separated; &lt;none&gt; when empty.</summary>
    private static string Joined(IDictionary<string, string>? map) =>
        map is { Count: > 0 } ? string.Join(",", map.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{kv.Key}={kv.Value}")) : "<none>";
}

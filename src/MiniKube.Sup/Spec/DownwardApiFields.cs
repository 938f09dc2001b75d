using System.Text.RegularExpressions;

namespace MiniKube.Sup.Spec;

/// <summary>The pod fields the downward API names (k8s pkg/fieldpath): what a downwardAPI volume's fieldRef may
/// name, and the <c>metadata.labels['KEY']</c> form.</summary>
public static partial class DownwardApiFields
{
    /// <summary>What a downwardAPI volume's fieldRef may name (k8s: no status.* or spec.* there, unlike env).</summary>
    public static bool IsVolumeField(string path) =>
        path is "metadata.name" or "metadata.namespace" or "metadata.uid" or "metadata.labels" or "metadata.annotations"
        || MapField().IsMatch(path);

    /// <summary><c>metadata.labels['KEY']</c> or <c>metadata.annotations['KEY']</c>: group 1 the map, group 2 the key.</summary>
    [GeneratedRegex(@"^metadata\.(labels|annotations)\['([^']+)'\]$")]
    public static partial Regex MapField();
}

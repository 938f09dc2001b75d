using k8s.Models;

namespace MiniKube.Sup.Spec;

/// <summary>
/// Start orders that can never be met: objects whose pods wait (<see cref="SupAnnotations.WaitFor"/>), directly or
/// through others, for themselves. A Service stands for the objects whose pods its selector picks. Each cycle is
/// reported once, on the annotation of the first object of it in reading order.
/// </summary>
internal static class WaitForCycles
{
    public static void Validate(IReadOnlyList<ParsedDocument> documents, List<ManifestError> errors)
    {
        var edges = new Dictionary<Node, List<Node>>();
        foreach (var d in documents) edges.TryAdd(Key(d), Targets(d, documents).ToList()); // a duplicate name is reported elsewhere
        var reported = new HashSet<string>(StringComparer.Ordinal);
        foreach (var start in documents)
        {
            var path = new List<Node>();
            if (FindCycle(Key(start), Key(start), edges, path, new HashSet<Node>()) is not { } cycle) continue;
            if (!reported.Add(string.Join("|", cycle.Select(k => $"{k.Kind}/{k.Ns}/{k.Name}").Order(StringComparer.Ordinal)))) continue;
            var (metadata, path2) = AnnotationsOf(start);
            if (metadata is null) continue;
            errors.Add(start.Error(path2.Dot(SupAnnotations.WaitFor),
                $"a start order that can never be met: {string.Join(" waits for ", cycle.Append(cycle[0]).Select(k => $"{WaitForTargets.Short(k.Kind)}/{k.Name}"))}"));
        }
    }

    private readonly record struct Node(string Kind, string Ns, string Name);

    private static Node Key(ParsedDocument d) =>
        new(d.Kind, d.Model.Metadata?.NamespaceProperty ?? ManifestValidator.DefaultNamespace, d.Name);

    private static List<Node>? FindCycle(Node start, Node at,
        Dictionary<Node, List<Node>> edges, List<Node> path, HashSet<Node> seen)
    {
        if (!seen.Add(at)) return null;
        path.Add(at);
        foreach (var next in edges.GetValueOrDefault(at) ?? [])
        {
            if (next == start) return [.. path];
            if (FindCycle(start, next, edges, path, seen) is { } found) return found;
        }
        path.RemoveAt(path.Count - 1);
        return null;
    }

    /// <summary>What an object's pods wait for, as objects of the manifests: a Service resolved to the objects whose
    /// pod labels its selector matches.</summary>
    private static IEnumerable<Node> Targets(ParsedDocument d, IReadOnlyList<ParsedDocument> documents)
    {
        var (metadata, _) = AnnotationsOf(d);
        if (metadata?.Annotations is not { } annotations || !annotations.TryGetValue(SupAnnotations.WaitFor, out var value)) yield break;
        var ns = d.Model.Metadata?.NamespaceProperty ?? ManifestValidator.DefaultNamespace;
        foreach (var target in WaitForTargets.Parse(value).Targets)
        {
            if (target.Kind != "Service")
            {
                yield return new Node(target.Kind, ns, target.Name);
                continue;
            }
            var service = documents.FirstOrDefault(o => o.Model is V1Service && o.Name == target.Name && Key(o).Ns == ns)?.Model as V1Service;
            if (service?.Spec?.Selector is not { Count: > 0 } selector) continue;
            foreach (var other in documents)
            {
                if (Key(other).Ns != ns || PodTemplate.Of(other.Model) is not var (templateMeta, _, _)) continue;
                var labels = other.Model is V1Pod ? other.Model.Metadata?.Labels : templateMeta?.Labels;
                if (labels is not null && selector.All(s => labels.TryGetValue(s.Key, out var v) && v == s.Value)) yield return Key(other);
            }
        }
    }

    /// <summary>The metadata that carries the pod's annotations (a Pod's own, a template's) and its path.</summary>
    private static (V1ObjectMeta? Metadata, string Path) AnnotationsOf(ParsedDocument d) =>
        PodTemplate.Of(d.Model) switch
        {
            null => (null, ""),
            (_, _, "") => (d.Model.Metadata, "metadata.annotations"),
            var (meta, _, path) => (meta, path.Dot("metadata").Dot("annotations")),
        };
}

using k8s.Models;

namespace MiniKube.Sup.Spec;

/// <summary>
/// What a manifest asks for that means nothing on one host, said once per load (SPEC §2) as warnings, never as
/// errors: objects of an inert kind (stored and served, acted on by nothing), one line per kind; and pod fields that
/// only a scheduler or a cluster reads, one line per field wherever it first appears.
/// </summary>
internal static class OneHostNotices
{
    /// <summary>Pod spec fields read by a cluster's scheduler or its nodes only.</summary>
    private static readonly (string Field, Func<V1PodSpec, bool> Set)[] PodFields =
    [
        ("nodeSelector", s => s.NodeSelector is { Count: > 0 }),
        ("affinity", s => s.Affinity is not null),
        ("tolerations", s => s.Tolerations is { Count: > 0 }),
        ("topologySpreadConstraints", s => s.TopologySpreadConstraints is { Count: > 0 }),
        ("priorityClassName", s => !string.IsNullOrEmpty(s.PriorityClassName)),
        ("priority", s => s.Priority is not null),
        ("preemptionPolicy", s => s.PreemptionPolicy is not null),
        ("schedulerName", s => !string.IsNullOrEmpty(s.SchedulerName) && s.SchedulerName != "default-scheduler"),
        ("nodeName", s => !string.IsNullOrEmpty(s.NodeName)),
        ("runtimeClassName", s => !string.IsNullOrEmpty(s.RuntimeClassName)),
        ("overhead", s => s.Overhead is { Count: > 0 }),
        ("readinessGates", s => s.ReadinessGates is { Count: > 0 }),
        ("serviceAccountName", s => !string.IsNullOrEmpty(s.ServiceAccountName) && s.ServiceAccountName != "default"),
    ];

    public static IEnumerable<ManifestError> Find(IReadOnlyList<ParsedDocument> documents)
    {
        foreach (var kind in documents.Where(d => d.KindInfo.Inert && d.Name.Length > 0).GroupBy(d => d.Kind))
        {
            var first = kind.First();
            var more = kind.Count() - 1;
            var (line, column) = first.Map.Locate("kind");
            yield return new ManifestError(first.Map.File, line, column, first.ObjectRef, "",
                more == 0 ? "stored, has no effect on one host" : $"stored, has no effect on one host (and {more} more {first.Kind}{(more == 1 ? "" : "s")})");
        }

        var said = new HashSet<string>(StringComparer.Ordinal);
        foreach (var document in documents)
        {
            if (PodTemplate.Of(document.Model) is not var (_, spec, template) || spec is null) continue;
            var path = template.Dot("spec");
            foreach (var (field, set) in PodFields)
                if (set(spec) && said.Add(field))
                    yield return document.Error(path.Dot(field), "has no effect on one host (ignored; said once)");
            if (said.Contains("resources.requests")) continue;
            var at = Requesting(spec.Containers, path.Dot("containers")) ?? Requesting(spec.InitContainers, path.Dot("initContainers"));
            if (at is not null && said.Add("resources.requests"))
                yield return document.Error(at.Dot("resources").Dot("requests"), "has no effect on one host (a scheduler's reservation; limits are what is enforced; said once)");
        }
    }

    /// <summary>The path of the first container that requests resources, if any.</summary>
    private static string? Requesting(IList<V1Container>? containers, string path)
    {
        for (var i = 0; i < (containers?.Count ?? 0); i++)
            if (containers![i].Resources?.Requests is { Count: > 0 }) return path.At(i);
        return null;
    }
}

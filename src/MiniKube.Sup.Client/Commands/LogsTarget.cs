using System.Text.Json;
using MiniKube.Sup.Spec;

namespace MiniKube.Sup.Client.Commands;

/// <summary>
/// Which pod `logs KIND/NAME` reads for a workload or a Service, as kubectl chooses it
/// (polymorphichelpers.AttachablePodForObject): the pods its selector matches, sorted by podutils.ByLogging, the
/// first one; "Found N pods, using pod/NAME" on stderr when there were several.
/// </summary>
internal static class LogsTarget
{
    /// <summary>The kinds whose pods are found by their selector.</summary>
    public static bool ChoosesByLabels(KindInfo kind) =>
        kind == Kinds.Deployment || kind == Kinds.StatefulSet || kind == Kinds.ReplicaSet || kind == Kinds.DaemonSet
        || kind == Kinds.ReplicationController || kind == Kinds.Service;

    /// <returns>the chosen pod's JSON; null (with the reason on stderr) when there is none</returns>
    public static async Task<JsonElement?> ChooseAsync(SupClient client, KindInfo kind, string name)
    {
        // JSON read as JSON, not into the models: the client stays small (no model's serializer is rooted in it).
        using var target = JsonDocument.Parse(await client.GetJsonAsync(kind, name).ConfigureAwait(false));
        var selector = SelectorOf(target.RootElement);
        if (selector is null)
        {
            Console.Error.WriteLine($"error: {kind.Singular}/{name} has no selector: no pods to read");
            return null;
        }
        using var list = JsonDocument.Parse(await client.GetJsonAsync(Kinds.Pod, null, "labelSelector=" + Uri.EscapeDataString(selector)).ConfigureAwait(false));
        var pods = list.RootElement.GetProperty("items").EnumerateArray().Select(p => (Json: p.Clone(), Rank: PodRank.Of(p))).ToList();
        if (pods.Count == 0)
        {
            Console.Error.WriteLine($"error: no pods found for {kind.Singular}/{name} (selector {selector})");
            return null;
        }
        pods.Sort((a, b) => ByLogging(a.Rank, b.Rank));
        if (pods.Count > 1) Console.Error.WriteLine($"Found {pods.Count} pods, using pod/{pods[0].Rank.Name}");
        return pods[0].Json;
    }

    /// <summary>spec.selector as a label selector query: a Service's or ReplicationController's map, or a
    /// LabelSelector's matchLabels and matchExpressions.</summary>
    internal static string? SelectorOf(JsonElement obj)
    {
        if (!obj.TryGetProperty("spec", out var spec) || !spec.TryGetProperty("selector", out var selector) || selector.ValueKind != JsonValueKind.Object) return null;
        var parts = new List<string>();
        var labels = selector.TryGetProperty("matchLabels", out var m) ? m : selector.TryGetProperty("matchExpressions", out _) ? default : selector;
        if (labels.ValueKind == JsonValueKind.Object)
            foreach (var p in labels.EnumerateObject()) parts.Add($"{p.Name}={p.Value.GetString()}");
        if (selector.TryGetProperty("matchExpressions", out var expressions) && expressions.ValueKind == JsonValueKind.Array)
            foreach (var e in expressions.EnumerateArray())
            {
                var key = e.GetProperty("key").GetString();
                var values = e.TryGetProperty("values", out var v) && v.ValueKind == JsonValueKind.Array ? string.Join(",", v.EnumerateArray().Select(x => x.GetString())) : "";
                parts.Add(e.GetProperty("operator").GetString() switch
                {
                    "In" => $"{key} in ({values})",
                    "NotIn" => $"{key} notin ({values})",
                    "Exists" => key!,
                    _ => $"!{key}",
                });
            }
        return parts.Count == 0 ? null : string.Join(",", parts);
    }

    /// <summary>What podutils.ByLogging compares of a pod.</summary>
    internal sealed record PodRank(string Name, string? Phase, DateTime? ReadySince, int Restarts, DateTime? Created)
    {
        public static PodRank Of(JsonElement pod)
        {
            var meta = pod.GetProperty("metadata");
            var status = pod.TryGetProperty("status", out var s) ? s : default;
            DateTime? readySince = null;
            var restarts = 0;
            if (status.ValueKind == JsonValueKind.Object)
            {
                if (status.TryGetProperty("conditions", out var conditions))
                    foreach (var c in conditions.EnumerateArray())
                        if (c.GetProperty("type").GetString() == "Ready" && c.GetProperty("status").GetString() == "True" && c.TryGetProperty("lastTransitionTime", out var t))
                            readySince = Time(t);
                if (status.TryGetProperty("containerStatuses", out var containers))
                    foreach (var c in containers.EnumerateArray())
                        if (c.TryGetProperty("restartCount", out var r)) restarts = Math.Max(restarts, r.GetInt32());
            }
            return new PodRank(meta.GetProperty("name").GetString()!, status.ValueKind == JsonValueKind.Object && status.TryGetProperty("phase", out var phase) ? phase.GetString() : null,
                readySince, restarts, meta.TryGetProperty("creationTimestamp", out var created) ? Time(created) : null);
        }

        private static DateTime? Time(JsonElement value) =>
            DateTime.TryParse(value.GetString(), System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AdjustToUniversal, out var t) ? t : null;
    }

    /// <summary>podutils.ByLogging: running before unknown before pending; ready before not; ready longer first; more
    /// restarts first; older first.</summary>
    internal static int ByLogging(PodRank a, PodRank b)
    {
        static int Phase(PodRank p) => p.Phase switch { "Running" => 0, "Unknown" => 1, "Pending" => 2, _ => 3 };
        if (Phase(a) != Phase(b)) return Phase(a).CompareTo(Phase(b));
        var (ra, rb) = (a.ReadySince, b.ReadySince);
        if ((ra is null) != (rb is null)) return ra is not null ? -1 : 1;
        if (ra is { } x && rb is { } y && x != y) return x.CompareTo(y);
        if (a.Restarts != b.Restarts) return b.Restarts.CompareTo(a.Restarts);
        var (ca, cb) = (a.Created, b.Created);
        if ((ca is null) != (cb is null)) return ca is null ? 1 : -1;
        if (ca is { } c1 && cb is { } c2 && c1 != c2) return c1.CompareTo(c2);
        return string.CompareOrdinal(a.Name, b.Name);
    }
}

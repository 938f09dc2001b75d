using System.Text.Json;
using k8s;
using k8s.Models;
using MiniKube.Sup.Api;
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
        var json = await client.GetJsonAsync(kind, name).ConfigureAwait(false);
        var selector = SelectorOf(kind, json);
        if (selector is null)
        {
            Console.Error.WriteLine($"error: {kind.Singular}/{name} has no selector: no pods to read");
            return null;
        }
        using var list = JsonDocument.Parse(await client.GetJsonAsync(Kinds.Pod, null, "labelSelector=" + Uri.EscapeDataString(selector)).ConfigureAwait(false));
        var pods = list.RootElement.GetProperty("items").EnumerateArray().Select(p => (Json: p.Clone(), Pod: KubernetesJson.Deserialize<V1Pod>(p.GetRawText()))).ToList();
        if (pods.Count == 0)
        {
            Console.Error.WriteLine($"error: no pods found for {kind.Singular}/{name} (selector {selector})");
            return null;
        }
        pods.Sort((a, b) => ByLogging(a.Pod, b.Pod));
        if (pods.Count > 1) Console.Error.WriteLine($"Found {pods.Count} pods, using pod/{pods[0].Pod.Metadata.Name}");
        return pods[0].Json;
    }

    private static string? SelectorOf(KindInfo kind, string json)
    {
        if (kind == Kinds.Service) return MapSelector(KubernetesJson.Deserialize<V1Service>(json).Spec?.Selector);
        if (kind == Kinds.ReplicationController) return MapSelector(KubernetesJson.Deserialize<V1ReplicationController>(json).Spec?.Selector);
        V1LabelSelector? selector =
            kind == Kinds.Deployment ? KubernetesJson.Deserialize<V1Deployment>(json).Spec?.Selector
            : kind == Kinds.StatefulSet ? KubernetesJson.Deserialize<V1StatefulSet>(json).Spec?.Selector
            : kind == Kinds.ReplicaSet ? KubernetesJson.Deserialize<V1ReplicaSet>(json).Spec?.Selector
            : KubernetesJson.Deserialize<V1DaemonSet>(json).Spec?.Selector;
        return selector is null || Tables.Selector(selector) is "<none>" ? null : Tables.Selector(selector);
    }

    private static string? MapSelector(IDictionary<string, string>? map) =>
        map is { Count: > 0 } ? string.Join(",", map.Select(kv => $"{kv.Key}={kv.Value}")) : null;

    /// <summary>podutils.ByLogging: running before unknown before pending; ready before not; ready longer first; more
    /// restarts first; older first.</summary>
    internal static int ByLogging(V1Pod a, V1Pod b)
    {
        static int Phase(V1Pod p) => p.Status?.Phase switch { "Running" => 0, "Unknown" => 1, "Pending" => 2, _ => 3 };
        static DateTime? ReadySince(V1Pod p) => p.Status?.Conditions?.FirstOrDefault(c => c.Type == "Ready" && c.Status == "True")?.LastTransitionTime;
        static int Restarts(V1Pod p) => p.Status?.ContainerStatuses?.Max(c => (int?)c.RestartCount) ?? 0;
        if (Phase(a) != Phase(b)) return Phase(a).CompareTo(Phase(b));
        var (ra, rb) = (ReadySince(a), ReadySince(b));
        if ((ra is null) != (rb is null)) return ra is not null ? -1 : 1;
        if (ra is { } x && rb is { } y && x != y) return x.CompareTo(y);
        if (Restarts(a) != Restarts(b)) return Restarts(b).CompareTo(Restarts(a));
        var (ca, cb) = (a.Metadata.CreationTimestamp, b.Metadata.CreationTimestamp);
        if ((ca is null) != (cb is null)) return ca is null ? 1 : -1;
        if (ca is { } c1 && cb is { } c2 && c1 != c2) return c1.CompareTo(c2);
        return string.CompareOrdinal(a.Metadata.Name, b.Metadata.Name);
    }
}

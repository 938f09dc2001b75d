using System.Text.Json;

namespace MiniKube.Sup.EndToEnd.Containers;

/// <summary>What the image pod tests ask a running daemon: a pod or one container's status as JSON, one field of it,
/// a container's log, and polling until a condition holds.</summary>
internal static class ImagePods
{
    public static async Task<SupDaemon> StartAsync(string manifest, params string[] extra)
    {
        var daemon = new SupDaemon(manifest);
        await daemon.StartAsync(extra: extra);
        return daemon;
    }

    public static async Task<JsonElement?> PodAsync(SupDaemon d, string name)
    {
        var (code, output, _) = await d.Sup("get", "pod", name, "-o", "json");
        return code == 0 ? JsonDocument.Parse(output).RootElement.Clone() : null;
    }

    public static async Task<JsonElement?> ContainerStatusAsync(SupDaemon d, string pod, string container, string list = "containerStatuses")
    {
        if (await PodAsync(d, pod) is not { } p || !p.GetProperty("status").TryGetProperty(list, out var statuses)) return null;
        foreach (var s in statuses.EnumerateArray())
            if (s.GetProperty("name").GetString() == container) return s;
        return null;
    }

    /// <summary>The string (or JSON text) at <paramref name="path"/> under <paramref name="e"/>; null when absent.</summary>
    public static string? Field(JsonElement? e, params string[] path)
    {
        foreach (var p in path)
        {
            if (e is not { ValueKind: JsonValueKind.Object } o || !o.TryGetProperty(p, out var next)) return null;
            e = next;
        }
        return e?.ValueKind == JsonValueKind.String ? e.Value.GetString() : e?.ToString();
    }

    public static Task UntilAsync(Func<Task<bool>> condition, string what, double seconds = Poll.DefaultSeconds) =>
        Poll.For(async () => await condition() ? "" : null, what, seconds);

    public static async Task<string> LogsAsync(SupDaemon d, params string[] args) => (await d.Sup(["logs", .. args])).Out;
}

using System.Text;
using System.Text.Json;
using MiniKube.Sup.Printing;
using MiniKube.Sup.Runtime;
using k8s;
using k8s.Models;

namespace MiniKube.Sup.Daemon.Commands;

/// <summary>A container's <c>resources.limits</c> in `sup describe pod`, in kubectl's layout, plus what only sup
/// knows: for a host process, what the daemon applied through cgroups and what it could not and why (its
/// <see cref="HostLimitReport"/> event for that container).</summary>
internal static class LimitsDescription
{
    public static string Limits(V1Container c, string eventsJson)
    {
        if (c.Resources?.Limits is not { Count: > 0 } limits) return "";
        var t = new StringBuilder("    Limits:\n");
        foreach (var (name, quantity) in limits.OrderBy(kv => kv.Key, StringComparer.Ordinal))
            t.Append($"      {name + ":",-9}{ControlCharacters.Escape(quantity.ToString())}\n");
        if (c.Image is null)
            t.Append($"    Limits Applied: {ControlCharacters.Escape(Applied(c.Name, eventsJson) ?? "<not yet started>")}\n");
        return t.ToString();
    }

    /// <summary>The latest word of the daemon on this container's limits.</summary>
    private static string? Applied(string container, string eventsJson)
    {
        using var doc = JsonDocument.Parse(eventsJson);
        return doc.RootElement.GetProperty("items").EnumerateArray()
            .Select(e => KubernetesJson.Deserialize<Corev1Event>(e.GetRawText()))
            .Where(e => e.Reason is HostLimitReport.AppliedReason or HostLimitReport.NotAppliedReason
                && (e.InvolvedObject?.FieldPath is not { } path || path.EndsWith("{" + container + "}", StringComparison.Ordinal)))
            .OrderBy(e => e.LastTimestamp ?? e.FirstTimestamp)
            .Select(e => e.Message)
            .LastOrDefault();
    }
}

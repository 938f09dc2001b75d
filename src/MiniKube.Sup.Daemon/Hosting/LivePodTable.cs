using k8s.Models;
using MiniKube.Sup.Printing;

namespace MiniKube.Sup.Daemon.Hosting;

/// <summary>
/// The table of `sup run`'s live view: one row per pod (READY, STATUS and RESTARTS as kubectl prints them, AGE, and
/// the pod's latest event), then a status line. Every line fits in <c>columns - 1</c> characters, so that none wraps
/// (the view erases the block by counting its lines). At most <c>maxPods</c> rows; the rest are counted.
/// <code>
/// NAME    READY  STATUS   RESTARTS  AGE  LAST EVENT
/// web     1/1    Running  0         12s  Started: Started container app (11s ago)
///  sup · 1 pod: 1 Running · restarts 0 · logs: all pods · keys: p pause, f pod, q quit
/// </code>
/// </summary>
internal static class LivePodTable
{
    /// <param name="Keys">whether keys are read (stdin is the terminal, and this process its foreground)</param>
    public sealed record Status(string Logs, bool Stopping, bool Keys = true);

    public static IReadOnlyList<string> Render(IReadOnlyList<V1Pod> pods, IReadOnlyList<Corev1Event> events, DateTime now,
        int columns, int maxPods, Status status, bool colour)
    {
        var latest = new Dictionary<(string Ns, string Name), Corev1Event>();
        foreach (var e in events)
        {
            if (e.InvolvedObject?.Kind != "Pod" || e.InvolvedObject.Name is not { } name) continue;
            var key = (e.InvolvedObject.NamespaceProperty ?? "default", name);
            if (!latest.TryGetValue(key, out var seen) || When(e) > When(seen)) latest[key] = e;
        }
        var ordered = pods.OrderBy(p => p.Metadata?.NamespaceProperty ?? "default", StringComparer.Ordinal)
            .ThenBy(p => p.Metadata?.Name, StringComparer.Ordinal).ToList();
        var rows = new List<string[]> { new[] { "NAME", "READY", "STATUS", "RESTARTS", "AGE", "LAST EVENT" } };
        var statuses = new List<string>();
        var restarts = 0;
        foreach (var pod in ordered)
        {
            var c = PodPrinter.Columns(pod, now);
            statuses.Add(c.Status);
            restarts += (pod.Status?.ContainerStatuses?.Sum(s => s.RestartCount) ?? 0) + (pod.Status?.InitContainerStatuses?.Sum(s => s.RestartCount) ?? 0);
            var ns = pod.Metadata?.NamespaceProperty ?? "default";
            var name = pod.Metadata?.Name ?? "";
            var age = pod.Metadata?.CreationTimestamp is { } created ? HumanDuration.Format(now - created) : "<unknown>";
            var last = latest.TryGetValue((ns, name), out var e)
                ? $"{e.Reason}: {e.Message} ({HumanDuration.Format(now - When(e))} ago)"
                : "";
            rows.Add([ns == "default" ? name : $"{ns}/{name}", c.Ready, c.Status, c.Restarts, age, ControlCharacters.Escape(last)]);
        }
        var shown = rows.Count - 1 > maxPods ? rows.Take(1 + Math.Max(0, maxPods - 1)).ToList() : rows;
        var widths = Enumerable.Range(0, 5).Select(i => shown.Max(r => r[i].Length)).ToArray();
        var lines = new List<string>();
        for (var i = 0; i < shown.Count; i++)
        {
            var text = string.Concat(shown[i].Take(5).Select((cell, k) => ControlCharacters.Escape(cell).PadRight(widths[k] + 2))) + shown[i][5];
            var fitted = Fit(text.TrimEnd(), columns);
            lines.Add(i == 0 && colour ? $"\e[1m{fitted}\e[0m" : fitted);
        }
        if (shown.Count < rows.Count) lines.Add(Fit($"... and {rows.Count - shown.Count} more pod(s) (sup get pods)", columns));

        var summary = string.Join(", ", statuses.GroupBy(s => s).OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Count()} {g.Key}"));
        var line = $" sup{(status.Stopping ? " stopping" : "")} · {pods.Count} pod{(pods.Count == 1 ? "" : "s")}{(summary.Length > 0 ? ": " + summary : "")} · restarts {restarts} · logs: {status.Logs}{(status.Keys ? " · keys: p pause, f pod, q quit" : "")} ";
        lines.Add(colour ? $"\e[7m{Fit(line, columns)}\e[0m" : Fit(line, columns));
        return lines;
    }

    private static DateTime When(Corev1Event e) => e.LastTimestamp ?? e.EventTime ?? e.FirstTimestamp ?? e.Metadata?.CreationTimestamp ?? DateTime.MinValue;

    /// <summary>The text cut to <paramref name="columns"/> - 1 characters: a line that filled the last column
    /// would leave the cursor waiting to wrap.</summary>
    public static string Fit(string text, int columns)
    {
        var width = Math.Max(1, columns - 1);
        return text.Length <= width ? text : text[..Math.Max(0, width - 1)] + "…";
    }
}

using k8s.Models;
using MiniKube.Sup.Printing;

namespace MiniKube.Sup.Api.KindTables;

/// <summary>kubectl's event columns.</summary>
public static class EventTable
{
    public static readonly KindTable Table = new(
    [
        new("Last Seen", "string", "", 0, "Time since the event was last seen."),
        new("Type", "string", "", 0, "Type of this event (Normal, Warning)."),
        new("Reason", "string", "", 0, "Why the action was taken."),
        new("Object", "string", "", 0, "The object this event is about."),
        new("Message", "string", "", 0, "A human-readable description of the status of this operation."),
    ], (obj, now) =>
    {
        var e = (Corev1Event)obj;
        var last = e.LastTimestamp ?? e.FirstTimestamp ?? e.EventTime;
        return
        [
            last is { } t ? HumanDuration.Format(now - t) : "<unknown>",
            e.Type ?? "",
            e.Reason ?? "",
            $"{e.InvolvedObject?.Kind?.ToLowerInvariant()}/{e.InvolvedObject?.Name}",
            e.Message ?? "",
        ];
    });
}

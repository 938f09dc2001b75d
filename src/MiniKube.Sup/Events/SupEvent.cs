namespace MiniKube.Sup.Events;

/// <summary>A Kubernetes-style event: what happened to which object, with an upstream reason string.</summary>
public sealed record SupEvent(
    DateTimeOffset Timestamp,
    string ObjectKind,
    string ObjectName,
    string Type,
    string Reason,
    string Message,
    string? FieldPath = null,
    string? ObjectUid = null)
{
    public const string Normal = "Normal";
    public const string Warning = "Warning";
}

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
    /// <summary>The namespace of the object (and of the Event about it; a cluster-scoped object's events go to
    /// <c>default</c>, as the API server files them).</summary>
    public string Namespace { get; init; } = Store.ObjectKey.DefaultNamespace;

    public const string Normal = "Normal";
    public const string Warning = "Warning";
}

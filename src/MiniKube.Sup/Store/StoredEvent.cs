namespace MiniKube.Sup.Store;

/// <summary>An event as stored. <paramref name="Id"/> grows with every append (never reused, also across restarts);
/// a repeated event is stored again as its newest occurrence with a higher <paramref name="Count"/> (see
/// <see cref="StateStore.AppendEvent"/>), and <paramref name="Timestamp"/> is then the time of that occurrence.</summary>
public sealed record StoredEvent(
    long Id,
    DateTimeOffset Timestamp,
    string ObjectKind,
    string ObjectName,
    string Type,
    string Reason,
    string Message,
    string? FieldPath,
    int Count);

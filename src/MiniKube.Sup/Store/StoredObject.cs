namespace MiniKube.Sup.Store;

/// <summary>A desired object as applied. <paramref name="Json"/> is the Kubernetes JSON exactly as it was stored;
/// <paramref name="Source"/> says where it came from (<c>file:/abs/path</c> or <c>api</c>);
/// <paramref name="ResourceVersion"/> is the store-wide counter value of its last change (for a removed object in
/// <see cref="SourceChanges.Removed"/>: the resourceVersion of the deletion).</summary>
public sealed record StoredObject(string Kind, string Name, string Json, string Source, long ResourceVersion, DateTimeOffset UpdatedAt);

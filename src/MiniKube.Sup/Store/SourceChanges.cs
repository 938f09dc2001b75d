namespace MiniKube.Sup.Store;

/// <summary>What <see cref="StateStore.ReplaceSource"/> changed, all in one transaction.
/// <see cref="Added"/> and <see cref="Updated"/> hold the objects as now stored (with their new resourceVersion);
/// <see cref="Removed"/> holds the last stored Json of each removed object with the resourceVersion and time of the
/// deletion; <see cref="Unchanged"/> holds objects whose Json was identical (they keep their resourceVersion).</summary>
public sealed record SourceChanges(
    IReadOnlyList<StoredObject> Added,
    IReadOnlyList<StoredObject> Updated,
    IReadOnlyList<StoredObject> Removed,
    IReadOnlyList<StoredObject> Unchanged)
{
    public bool IsEmpty => Added.Count == 0 && Updated.Count == 0 && Removed.Count == 0;
}

namespace MiniKube.Sup.Store;

/// <summary>A watch asked to resume from a resourceVersion whose later changes the store no longer keeps
/// (k8s: 410 Gone, reason Expired, "too old resource version: FROM (OLDEST)"); the client lists again.</summary>
public sealed class ResourceVersionExpiredException(long requested, long oldest)
    : Exception($"too old resource version: {requested} ({oldest})")
{
    public long Requested { get; } = requested;

    /// <summary>The oldest resourceVersion a watch can still resume from.</summary>
    public long Oldest { get; } = oldest;
}

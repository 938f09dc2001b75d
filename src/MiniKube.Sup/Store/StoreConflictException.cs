namespace MiniKube.Sup.Store;

/// <summary>A write the store refused because of what is stored now, as the API server answers 409: the object
/// changed since the writer read it (<see cref="StoreConflictReason.Conflict"/>, retry on a fresh read), or a create
/// found one of that name (<see cref="StoreConflictReason.AlreadyExists"/>).</summary>
public sealed class StoreConflictException(ObjectKey key, StoreConflictReason reason, string message) : Exception(message)
{
    public ObjectKey Key { get; } = key;

    public StoreConflictReason Reason { get; } = reason;
}

public enum StoreConflictReason
{
    Conflict,
    AlreadyExists,
}

/// <summary>The object a write names is not stored (404).</summary>
public sealed class StoreNotFoundException(ObjectKey key) : Exception($"{key.Kind} \"{key.Name}\" not found")
{
    public ObjectKey Key { get; } = key;
}

namespace MiniKube.Sup.Store;

/// <summary>The state database cannot be used. The message names the file and what to do about it.</summary>
public sealed class StateStoreException(string path, StateStoreFailure failure, string message, Exception? inner = null)
    : Exception(message, inner)
{
    /// <summary>The full path of the database file.</summary>
    public string Path { get; } = path;

    public StateStoreFailure Failure { get; } = failure;
}

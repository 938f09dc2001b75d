using MiniKube.Sup.Store;

namespace MiniKube.Sup.Desired;

/// <summary>A write the API server's admission refuses with 403 Forbidden (k8s NamespaceLifecycle: nothing new in a
/// terminating namespace; the <c>default</c> namespace may not be deleted).</summary>
public sealed class ForbiddenException(ObjectKey key, string message) : Exception(message)
{
    public ObjectKey Key { get; } = key;

    public static ForbiddenException Terminating(ObjectKey key) =>
        new(key, $"unable to create new content in namespace {key.Namespace} because it is being terminated");

    public static ForbiddenException Undeletable(ObjectKey key) =>
        new(key, $"this namespace may not be deleted");
}

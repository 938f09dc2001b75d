namespace MiniKube.Sup.Runtime;

/// <summary>A container cannot be created yet: it waits with <see cref="Reason"/> (kubelet wording:
/// <c>ErrImagePull</c>, <c>CreateContainerConfigError</c>, <c>CreateContainerError</c>) and is tried again later,
/// the pod going on around it.</summary>
public sealed class ContainerCreateException(string reason, string message, Exception? inner = null) : Exception(message, inner)
{
    public const string ErrImagePull = "ErrImagePull";
    public const string ImagePullBackOff = "ImagePullBackOff";
    public const string ConfigError = "CreateContainerConfigError";
    public const string CreateError = "CreateContainerError";

    public string Reason { get; } = reason;
}

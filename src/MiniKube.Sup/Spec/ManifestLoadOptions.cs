namespace MiniKube.Sup.Spec;

/// <summary>What the host offers, which decides whether some manifests are runnable.</summary>
public sealed record ManifestLoadOptions
{
    /// <summary>True when podman or docker is usable; without one, a container with <c>image</c> needs the
    /// <c>sup.minikube.io/runtime: host</c> annotation.</summary>
    public bool ContainerEngineAvailable { get; init; }
}

namespace MiniKube.Sup.Volumes;

/// <summary>A container cannot be configured yet (a ConfigMap, Secret or key it needs is missing): the kubelet
/// leaves it Waiting with reason CreateContainerConfigError and retries.</summary>
public sealed class ContainerConfigException(string message) : Exception(message);

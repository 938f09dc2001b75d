namespace MiniKube.Sup.Volumes;

/// <summary>A volume could not be set up (hostPath type check, missing ConfigMap or Secret, ...): the pod stays
/// Pending with its containers in ContainerCreating, a FailedMount event is recorded, and set-up is retried.</summary>
public sealed class VolumeSetupException(string volume, string reason) : Exception(reason)
{
    public string Volume { get; } = volume;

    /// <summary>The FailedMount event message, as the kubelet words it.</summary>
    public string EventMessage => $"MountVolume.SetUp failed for volume \"{Volume}\" : {Message}";
}

using k8s.Models;

namespace MiniKube.Sup.Volumes;

/// <summary>Where a pod's ConfigMaps and Secrets are looked up, at the moment a container is started or a volume
/// is set up; null when the object does not exist. A pod sees only its own namespace's (<see cref="In"/>).</summary>
public interface IConfigSource
{
    /// <summary>The same source, looking in namespace <paramref name="ns"/>.</summary>
    IConfigSource In(string ns);

    V1ConfigMap? GetConfigMap(string name);

    V1Secret? GetSecret(string name);
}

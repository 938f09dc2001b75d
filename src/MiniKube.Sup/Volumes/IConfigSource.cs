using k8s.Models;

namespace MiniKube.Sup.Volumes;

/// <summary>Where a pod's ConfigMaps and Secrets are looked up (namespace default), at the moment a container
/// is started or a volume is set up; null when the object does not exist.</summary>
public interface IConfigSource
{
    V1ConfigMap? GetConfigMap(string name);

    V1Secret? GetSecret(string name);
}

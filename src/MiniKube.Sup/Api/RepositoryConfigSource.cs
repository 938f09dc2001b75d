using k8s.Models;
using MiniKube.Sup.Volumes;

namespace MiniKube.Sup.Api;

/// <summary>ConfigMaps and Secrets as the API serves them now (applied from files or through the API).</summary>
public sealed class RepositoryConfigSource(ObjectRepository repository) : IConfigSource
{
    public V1ConfigMap? GetConfigMap(string name) => repository.Get("ConfigMap", name)?.Object as V1ConfigMap;

    public V1Secret? GetSecret(string name) => repository.Get("Secret", name)?.Object as V1Secret;
}

using k8s.Models;
using MiniKube.Sup.Spec;
using MiniKube.Sup.Store;

namespace MiniKube.Sup.Volumes;

/// <summary>ConfigMaps and Secrets as the store holds them now (applied from files or through the API).</summary>
public sealed class StoreConfigSource(ObjectStore store, string ns = ObjectKey.DefaultNamespace) : IConfigSource
{
    public IConfigSource In(string ns) => new StoreConfigSource(store, ns);

    public V1ConfigMap? GetConfigMap(string name) => store.Get(Kinds.ConfigMap.Kind, name, ns)?.Object as V1ConfigMap;

    public V1Secret? GetSecret(string name) => store.Get(Kinds.Secret.Kind, name, ns)?.Object as V1Secret;
}

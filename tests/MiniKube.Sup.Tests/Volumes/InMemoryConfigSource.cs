using System.Collections.Concurrent;
using k8s.Models;
using MiniKube.Sup.Volumes;

namespace MiniKube.Sup.Tests.Volumes;

/// <summary>ConfigMaps and Secrets a test puts in (and may add later, as a user applying them would).</summary>
internal sealed class InMemoryConfigSource : IConfigSource
{
    public ConcurrentDictionary<string, V1ConfigMap> ConfigMaps { get; } = new();
    public ConcurrentDictionary<string, V1Secret> Secrets { get; } = new();

    public InMemoryConfigSource WithConfigMap(string name, Dictionary<string, string> data)
    {
        ConfigMaps[name] = new V1ConfigMap { Metadata = new V1ObjectMeta { Name = name }, Data = data };
        return this;
    }

    public InMemoryConfigSource WithSecret(string name, Dictionary<string, byte[]>? data = null, Dictionary<string, string>? stringData = null)
    {
        Secrets[name] = new V1Secret { Metadata = new V1ObjectMeta { Name = name }, Data = data, StringData = stringData };
        return this;
    }

    public IConfigSource In(string ns) => this;

    public V1ConfigMap? GetConfigMap(string name) => ConfigMaps.GetValueOrDefault(name);

    public V1Secret? GetSecret(string name) => Secrets.GetValueOrDefault(name);
}

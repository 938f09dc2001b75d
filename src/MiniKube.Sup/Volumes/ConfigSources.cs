using k8s.Models;

namespace MiniKube.Sup.Volumes;

/// <summary>Config sources that need no daemon.</summary>
public static class ConfigSources
{
    /// <summary>Knows no ConfigMap or Secret: a non-optional reference fails as it would against an empty
    /// namespace.</summary>
    public static IConfigSource Empty { get; } = new EmptySource();

    private sealed class EmptySource : IConfigSource
    {
        public IConfigSource In(string ns) => this;

        public V1ConfigMap? GetConfigMap(string name) => null;

        public V1Secret? GetSecret(string name) => null;
    }
}

using System.Collections;
using System.Diagnostics.CodeAnalysis;

namespace MiniKube.Sup.Services;

/// <summary>
/// The environment a host container starts from: the daemon's, plus the service variables of the Services that
/// exist at that moment (k8s: computed at each container start, below the container's own env, which overrides
/// them). Every read takes a fresh snapshot, so a container started after a Service exists sees it.
/// </summary>
public sealed class ServiceLinkedEnvironment(IReadOnlyDictionary<string, string> inherited, Func<IReadOnlyDictionary<string, string>> services)
    : IReadOnlyDictionary<string, string>
{
    private Dictionary<string, string> Snapshot()
    {
        var result = new Dictionary<string, string>(inherited, StringComparer.Ordinal);
        foreach (var (k, v) in services()) result[k] = v;
        return result;
    }

    public string this[string key] => Snapshot()[key];

    public IEnumerable<string> Keys => Snapshot().Keys;

    public IEnumerable<string> Values => Snapshot().Values;

    public int Count => Snapshot().Count;

    public bool ContainsKey(string key) => Snapshot().ContainsKey(key);

    public bool TryGetValue(string key, [MaybeNullWhen(false)] out string value) => Snapshot().TryGetValue(key, out value);

    public IEnumerator<KeyValuePair<string, string>> GetEnumerator() => Snapshot().GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}

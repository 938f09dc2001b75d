using System.Collections;
using System.Diagnostics.CodeAnalysis;
using k8s.Models;
using MiniKube.Sup.Spec;
using MiniKube.Sup.Store;

namespace MiniKube.Sup.Services;

/// <summary>
/// The environment a host container starts from: the daemon's, plus the service variables of the Services that
/// exist at that moment (k8s: computed at each container start, below the container's own env, which overrides
/// them). A read compares the Services' version with the one its snapshot was built at, so a container started after
/// a Service changed sees the change, and the snapshot is built once per change, not once per read.
/// </summary>
public sealed class ServiceLinkedEnvironment(
    IReadOnlyDictionary<string, string> inherited, Func<long> servicesVersion, Func<IReadOnlyDictionary<string, string>> services)
    : IReadOnlyDictionary<string, string>
{
    private volatile Built? _built;

    /// <summary>The daemon's environment plus the variables of the Services in <paramref name="store"/>.</summary>
    /// <param name="isolated">for pods with a network namespace of their own (<see cref="ServiceEnvironment.Variables"/>)</param>
    public static ServiceLinkedEnvironment Over(ObjectStore store, IReadOnlyDictionary<string, string> inherited, bool isolated = false) =>
        new(inherited, () => store.VersionOf(Kinds.Service.Kind),
            () => ServiceEnvironment.Variables(store.List(Kinds.Service.Kind).Select(e => e.Object).OfType<V1Service>(), isolated));

    private Dictionary<string, string> Snapshot()
    {
        // The version is read before the Services: a change in between is seen now and rebuilt again next time.
        var version = servicesVersion();
        if (_built is { } built && built.Version == version) return built.Variables;
        var result = new Dictionary<string, string>(inherited, StringComparer.Ordinal);
        foreach (var (k, v) in services()) result[k] = v;
        _built = new Built(version, result);
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

    /// <summary>A snapshot and the Services' version it was built at (swapped whole: readers run concurrently).</summary>
    private sealed record Built(long Version, Dictionary<string, string> Variables);
}

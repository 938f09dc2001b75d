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
/// a Service changed sees the change, and the snapshot is built once per change, not once per read. Each namespace
/// has its own (<see cref="In"/>): a pod sees the variables of its namespace's Services only.
/// </summary>
public sealed class ServiceLinkedEnvironment(
    IReadOnlyDictionary<string, string> inherited, Func<long> servicesVersion, Func<string, IReadOnlyDictionary<string, string>> services,
    string ns = ObjectKey.DefaultNamespace)
    : Pods.INamespacedEnvironment
{
    private volatile Built? _built;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, ServiceLinkedEnvironment> _namespaces = new(StringComparer.Ordinal);

    /// <summary>The daemon's environment plus the variables of the Services in <paramref name="store"/>.</summary>
    /// <param name="isolated">for pods with a network namespace of their own (<see cref="ServiceEnvironment.Variables"/>)</param>
    /// <param name="api">where the daemon serves its API on TCP, for the <c>kubernetes</c> Service's variables</param>
    public static ServiceLinkedEnvironment Over(ObjectStore store, IReadOnlyDictionary<string, string> inherited, bool isolated = false, System.Net.IPEndPoint? api = null) =>
        new(inherited, () => store.VersionOf(Kinds.Service.Kind),
            ns => ServiceEnvironment.Variables(store.List(Kinds.Service.Kind).Select(e => e.Object).OfType<V1Service>(), isolated, api, ns));

    /// <summary>The environment of pods in namespace <paramref name="podNamespace"/> (kept, one per namespace).</summary>
    public ServiceLinkedEnvironment In(string podNamespace) =>
        podNamespace == ns ? this : _namespaces.GetOrAdd(podNamespace, n => new ServiceLinkedEnvironment(inherited, servicesVersion, services, n));

    IReadOnlyDictionary<string, string> Pods.INamespacedEnvironment.In(string ns) => In(ns);

    private Dictionary<string, string> Snapshot()
    {
        // The version is read before the Services: a change in between is seen now and rebuilt again next time.
        var version = servicesVersion();
        if (_built is { } built && built.Version == version) return built.Variables;
        var result = new Dictionary<string, string>(inherited, StringComparer.Ordinal);
        foreach (var (k, v) in services(ns)) result[k] = v;
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

using System.Collections.Concurrent;

namespace MiniKube.Sup.Runtime.Engine;

/// <summary>
/// The containers and sandboxes an earlier daemon left running that this one claimed at start
/// (<see cref="EngineRuntime.ClaimAsync"/>), each held until its pod's worker takes it back; what no worker takes
/// stays out of the start's sweep but goes with its pod (a new sandbox of the same name replaces it).
/// </summary>
internal sealed class EngineClaims
{
    private readonly ConcurrentDictionary<string, EngineContainerState> _containers = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _sandboxes = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte> _names = new(StringComparer.Ordinal);

    public void Add(string sandbox, int holderPid, EngineContainerState container)
    {
        _sandboxes[sandbox] = holderPid;
        _containers[container.Name] = container;
        _names[sandbox] = 0;
        _names[container.Name] = 0;
    }

    public bool TakeContainer(string name, out EngineContainerState state) => _containers.TryRemove(name, out state!);

    public bool TakeSandbox(string name, out int holderPid) => _sandboxes.TryRemove(name, out holderPid);

    /// <summary>Every name claimed, taken back or not, with the sandboxes' holders (podman's infra containers).</summary>
    public IReadOnlySet<string> Names(IEngineDialect dialect)
    {
        var names = new HashSet<string>(_names.Keys, StringComparer.Ordinal);
        foreach (var sandbox in names.ToList()) names.Add(dialect.SandboxHolder(sandbox));
        return names;
    }
}

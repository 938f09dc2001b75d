namespace MiniKube.Sup.Runtime.Engine;

/// <summary>What a command run in an engine container starts with: the container's main process (whose namespaces it
/// enters), its full environment (the image's and the pod's), the cgroup it joins, and its user. A rootless
/// container's namespaces belong to the engine's user namespace, which is entered first (<paramref name="UserNamespace"/>).</summary>
internal sealed record EngineExecContext(int Pid, IReadOnlyList<string> Environment, string? Cgroup, long? User, long? Group, bool UserNamespace = false);

namespace MiniKube.Sup.Runtime;

/// <summary>Everything the runtime needs to start one container instance as a host process. The pod's uid and the
/// instance number name the instance's cgroup.</summary>
public sealed record ContainerLaunch(
    string PodName,
    string ContainerName,
    IReadOnlyList<string> Command,
    IReadOnlyDictionary<string, string> Environment,
    string WorkingDirectory,
    string LogPath,
    string OwnerToken,
    string PodUid = "",
    int Instance = 0);

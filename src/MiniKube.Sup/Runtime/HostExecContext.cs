namespace MiniKube.Sup.Runtime;

/// <summary>What a host container's processes start with, kept so that a command run in it later starts the same
/// way: the full environment (KEY=VALUE, its owner mark included), the PATH its commands are looked up on, its
/// working directory, its cgroup directory (null: it has none), and the v1 cgroups that hold its limits (a command run in
/// a container is under the container's limits, as in Kubernetes); for a container in a mount namespace of its own or
/// run as another user, how a command enters it (<see cref="IsolatedCommand.InContainer"/>).</summary>
public sealed record HostExecContext(IReadOnlyList<string> Environment, string SearchPath, string WorkingDirectory, string? Cgroup,
    IReadOnlyList<string>? LimitCgroups = null)
{
    public Func<string, IReadOnlyList<string>, (string Executable, IReadOnlyList<string> Argv)>? Enter { get; init; }
}

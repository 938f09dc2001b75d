namespace MiniKube.Sup.Runtime;

/// <summary>What to spawn to run a command in a container (kubectl exec): the program, its argv, and the container's
/// environment, working directory and cgroups (<see cref="HostExecContext"/>).</summary>
public sealed record ExecTarget(string Executable, IReadOnlyList<string> Argv, HostExecContext Context);

namespace MiniKube.Sup.Runtime;

/// <summary>What to exec: an absolute executable path, argv (argv[0] included), the full environment as
/// KEY=VALUE, the working directory, and the descriptor that becomes both stdout and stderr.</summary>
public sealed record SpawnRequest(
    string ExecutablePath,
    IReadOnlyList<string> Argv,
    IReadOnlyList<string> Environment,
    string WorkingDirectory,
    int OutputFd);

namespace MiniKube.Sup.Processes;

/// <summary>How a process ended: an exit code, or the signal that killed it. Kubernetes reports a signalled
/// container with exit code 128 + signal (137 for SIGKILL), and so do we.</summary>
public readonly record struct ExitStatus(int ExitCode, int Signal)
{
    public static ExitStatus Exited(int code) => new(code, 0);

    public static ExitStatus Signaled(int signal) => new(128 + signal, signal);

    public bool Succeeded => ExitCode == 0 && Signal == 0;

    public override string ToString() => Signal == 0 ? $"exit code {ExitCode}" : $"signal {Signal} (exit code {ExitCode})";
}

using MiniKube.Sup.Processes;

namespace MiniKube.Sup.Runtime;

/// <summary>How a command run in a container ended (k8s CRI ExecSync): its exit status, or null when it ran out of
/// time and was killed; and the first <see cref="ExecOutputCapture.Limit"/> bytes of its stdout and stderr.</summary>
public sealed record ExecResult(ExitStatus? Status, string Output)
{
    public bool TimedOut => Status is null;

    public static ExecResult Exited(ExitStatus status, string output) => new(status, output);

    public static ExecResult Timeout(string output) => new(null, output);
}

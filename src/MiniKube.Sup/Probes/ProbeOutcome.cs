namespace MiniKube.Sup.Probes;

/// <summary>One attempt's status and its output (an exec probe's output, an HTTP body, or an error text as Go
/// would print it), which goes into the Unhealthy event.</summary>
public readonly record struct ProbeOutcome(ProbeStatus Status, string Output)
{
    public static ProbeOutcome Success(string output = "") => new(ProbeStatus.Success, output);

    public static ProbeOutcome Warning(string output) => new(ProbeStatus.Warning, output);

    public static ProbeOutcome Failure(string output) => new(ProbeStatus.Failure, output);

    public static ProbeOutcome Error(string output) => new(ProbeStatus.Error, output);
}

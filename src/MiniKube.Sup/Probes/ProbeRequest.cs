namespace MiniKube.Sup.Probes;

/// <summary>One run of a handler. <paramref name="Timeout"/> bounds the attempt (a probe's timeoutSeconds; a hook
/// has none: the caller cancels it).</summary>
public sealed record ProbeRequest(ProbePurpose Purpose, ProbeAction Action, ProbeTarget Target, TimeSpan Timeout)
{
    public bool IsHook => Purpose is ProbePurpose.PostStart or ProbePurpose.PreStop;
}

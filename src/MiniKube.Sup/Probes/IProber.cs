namespace MiniKube.Sup.Probes;

/// <summary>Runs a probe or hook handler once and says how it went. Probers only report; the pod worker acts.
/// A prober turns its own timeout into <see cref="ProbeStatus.Failure"/>; cancellation by the caller (the
/// container is gone) ends the attempt with <see cref="OperationCanceledException"/>.</summary>
public interface IProber
{
    Task<ProbeOutcome> ProbeAsync(ProbeRequest request, CancellationToken cancellationToken);
}

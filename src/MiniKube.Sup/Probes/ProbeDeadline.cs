namespace MiniKube.Sup.Probes;

/// <summary>The token a prober runs under: the caller's, plus its own timeout on the given clock, so that it
/// can tell "timed out" (a failure) from "cancelled" (the container is gone).</summary>
internal sealed class ProbeDeadline : IDisposable
{
    private readonly CancellationTokenSource _timeout;
    private readonly CancellationTokenSource _linked;

    public ProbeDeadline(TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken)
    {
        _timeout = timeout == Timeout.InfiniteTimeSpan ? new CancellationTokenSource() : new CancellationTokenSource(timeout, time);
        _linked = CancellationTokenSource.CreateLinkedTokenSource(_timeout.Token, cancellationToken);
        Caller = cancellationToken;
    }

    public CancellationToken Token => _linked.Token;

    public CancellationToken Caller { get; }

    /// <summary>The attempt ran out of time (and the caller did not cancel it).</summary>
    public bool TimedOut => _timeout.IsCancellationRequested && !Caller.IsCancellationRequested;

    public void Dispose()
    {
        _linked.Dispose();
        _timeout.Dispose();
    }
}

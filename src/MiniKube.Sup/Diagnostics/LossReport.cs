namespace MiniKube.Sup.Diagnostics;

/// <summary>
/// When to tell that writes are being lost (a full disk dropping container logs or events): at the first loss, then
/// at most once per interval with what was lost since the last report, and once when a write succeeds again with what
/// was lost in all. Nothing is dropped silently, and a full disk does not flood the daemon's own log with a line per
/// failed write. Thread-safe; <see cref="Recovered"/> costs one volatile read while nothing is being lost.
/// </summary>
public sealed class LossReport(TimeProvider time, TimeSpan interval)
{
    private readonly Lock _gate = new();
    private long _sinceReport;
    private long _sinceStart;
    private long? _lastReport;
    private volatile bool _losing;

    /// <summary>Counts <paramref name="amount"/> lost; returns what was lost since the last report when one is due
    /// now, else null (it is counted for the next).</summary>
    public long? Lost(long amount)
    {
        lock (_gate)
        {
            _losing = true;
            _sinceReport += amount;
            _sinceStart += amount;
            if (_lastReport is { } last && time.GetElapsedTime(last) < interval) return null;
            _lastReport = time.GetTimestamp();
            var due = _sinceReport;
            _sinceReport = 0;
            return due;
        }
    }

    /// <summary>A write succeeded. Returns, if writes were being lost, what was lost since they began (to report as
    /// the end of it), else null.</summary>
    public long? Recovered()
    {
        if (!_losing) return null;
        lock (_gate)
        {
            if (!_losing) return null;
            _losing = false;
            var total = _sinceStart;
            _sinceStart = 0;
            _sinceReport = 0;
            return total;
        }
    }
}

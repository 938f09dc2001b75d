namespace MiniKube.Sup.Daemon.Hosting.Systemd;

/// <summary>
/// What the daemon tells systemd at each look (<see cref="Next"/>), a pure function of what it has said before,
/// the time and what it sees: READY=1 once; STATUS= when the pod counts changed, at most once per
/// <see cref="StatusInterval"/> (a burst of changes is one line: the latest, once the interval has passed);
/// WATCHDOG=1 every half watchdog period, as sd_watchdog_enabled(3) asks. The messages of one look go in one
/// datagram (sd_notify accepts several newline-separated assignments).
/// </summary>
internal sealed class NotifyPlan(TimeSpan? watchdog)
{
    public static readonly TimeSpan StatusInterval = TimeSpan.FromSeconds(1);

    private string? _status;
    private DateTimeOffset? _statusSentAt;
    private DateTimeOffset? _pingedAt;

    /// <summary>Half the watchdog period: how often WATCHDOG=1 is due; null without a watchdog.</summary>
    public TimeSpan? PingInterval { get; } = watchdog / 2;

    /// <summary>How often the daemon should look: often enough for both the status and the watchdog.</summary>
    public TimeSpan LookInterval => PingInterval is { } ping && ping < StatusInterval ? ping : StatusInterval;

    public bool ReadySent { get; private set; }

    /// <param name="status">the STATUS= text now (the pod counts)</param>
    /// <param name="ready">whether the daemon is ready now (READY=1 is sent once, the first time)</param>
    /// <returns>the datagram to send, or null when there is nothing to say</returns>
    public string? Next(DateTimeOffset now, string status, bool ready)
    {
        var lines = new List<string>();
        if (ready && !ReadySent)
        {
            ReadySent = true;
            lines.Add("READY=1");
        }
        if (status != _status && (_statusSentAt is not { } sent || now - sent >= StatusInterval))
        {
            _status = status;
            _statusSentAt = now;
            lines.Add("STATUS=" + status);
        }
        // A ping a little early rather than a look late: the next look may come a whole LookInterval later.
        if (PingInterval is { } ping && (_pingedAt is not { } pinged || now - pinged >= ping - LookInterval / 2))
        {
            _pingedAt = now;
            lines.Add("WATCHDOG=1");
        }
        return lines.Count == 0 ? null : string.Join('\n', lines);
    }

    /// <summary>The watchdog period systemd asks for (WATCHDOG_USEC), when it is meant for this process
    /// (WATCHDOG_PID absent or ours): sd_watchdog_enabled(3).</summary>
    public static TimeSpan? Watchdog(string? usec, string? pid, int ownPid)
    {
        if (pid is not null && (!int.TryParse(pid, out var p) || p != ownPid)) return null;
        return long.TryParse(usec, out var us) && us > 0 ? TimeSpan.FromMicroseconds(us) : null;
    }
}

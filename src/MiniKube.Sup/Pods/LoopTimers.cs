using System.Threading.Channels;

namespace MiniKube.Sup.Pods;

/// <summary>
/// The timers of a worker whose decisions are all taken on one loop: when a timer is due it posts its event to the
/// loop and does nothing else, so the loop's state needs no lock. Every timer runs on the injected clock; a cancelled
/// timer never posts; <see cref="CancelAll"/> disarms whatever is left when the loop ends.
/// </summary>
internal sealed class LoopTimers<TEvent>(TimeProvider time, ChannelWriter<TEvent> loop)
{
    private readonly Lock _gate = new();
    private readonly HashSet<LoopTimer> _armed = [];
    private bool _closed;

    /// <summary>Posts <paramref name="due"/> to the loop once <paramref name="delay"/> has passed (at once when it is
    /// zero or negative).</summary>
    /// <returns>the timer, to cancel it</returns>
    public LoopTimer After(TimeSpan delay, TEvent due)
    {
        LoopTimer? timer = null;
        timer = new LoopTimer(() => Disarm(timer!));
        lock (_gate)
        {
            if (_closed) return timer; // the loop has ended: nothing may post to it any more
            _armed.Add(timer);
        }
        timer.Arm(time.CreateTimer(_ => Fire(timer, due), null, delay > TimeSpan.Zero ? delay : TimeSpan.Zero, Timeout.InfiniteTimeSpan));
        return timer;
    }

    /// <summary>How many timers are armed: neither due nor cancelled yet.</summary>
    public int Armed
    {
        get
        {
            lock (_gate) return _armed.Count;
        }
    }

    /// <summary>Cancels every timer, and any armed later: the loop is over.</summary>
    public void CancelAll()
    {
        List<LoopTimer> armed;
        lock (_gate)
        {
            _closed = true;
            armed = [.. _armed];
        }
        foreach (var timer in armed) timer.Cancel();
    }

    private void Fire(LoopTimer timer, TEvent due)
    {
        lock (_gate)
        {
            if (!_armed.Remove(timer)) return; // cancelled meanwhile
        }
        timer.Release();
        loop.TryWrite(due);
    }

    private void Disarm(LoopTimer timer)
    {
        lock (_gate) _armed.Remove(timer);
    }
}

/// <summary>One armed timer of <see cref="LoopTimers{TEvent}"/>.</summary>
internal sealed class LoopTimer(Action disarm)
{
    private readonly Lock _gate = new();
    private ITimer? _timer;
    private bool _released;

    /// <summary>The timer will not post (unless it already has).</summary>
    public void Cancel()
    {
        disarm();
        Release();
    }

    internal void Arm(ITimer timer)
    {
        lock (_gate)
        {
            if (!_released)
            {
                _timer = timer;
                return;
            }
        }
        timer.Dispose(); // cancelled (or due) before it was armed
    }

    internal void Release()
    {
        ITimer? timer;
        lock (_gate)
        {
            _released = true;
            timer = _timer;
            _timer = null;
        }
        timer?.Dispose();
    }
}

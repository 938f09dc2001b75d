using System.Threading.Channels;

namespace MiniKube.Sup.Controllers;

/// <summary>
/// A controller's work queue, as client-go's rate-limited delaying queue: a key is queued at most once however often
/// it is added; a key may be added after a delay (only the earliest pending due time per key is kept, so a timer per
/// key at most); and a key whose work failed comes back after a delay that doubles with each failure in a row
/// (<see cref="FailureBaseDelay"/> to <see cref="FailureMaxDelay"/>), until it succeeds and is forgotten.
/// </summary>
public sealed class WorkQueue : IDisposable
{
    // client-go DefaultControllerRateLimiter: ItemExponentialFailureRateLimiter(5 ms, 1000 s).
    public static readonly TimeSpan FailureBaseDelay = TimeSpan.FromMilliseconds(5);
    public static readonly TimeSpan FailureMaxDelay = TimeSpan.FromSeconds(1000);

    private readonly TimeProvider _time;
    private readonly Channel<string> _ready = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Lock _gate = new();
    private readonly HashSet<string> _queued = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (DateTimeOffset Due, ITimer Timer)> _delayed = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _failures = new(StringComparer.Ordinal);
    private bool _disposed;

    public WorkQueue(TimeProvider time) => _time = time;

    public ChannelReader<string> Ready => _ready.Reader;

    public void Add(string key)
    {
        lock (_gate)
        {
            if (_disposed || !_queued.Add(key)) return;
            if (_delayed.Remove(key, out var pending)) pending.Timer.Dispose(); // due now: the later wake is not needed
        }
        _ready.Writer.TryWrite(key);
    }

    public void AddAfter(string key, TimeSpan delay)
    {
        if (delay <= TimeSpan.Zero)
        {
            Add(key);
            return;
        }
        lock (_gate)
        {
            if (_disposed || _queued.Contains(key)) return;
            var due = _time.GetUtcNow() + delay;
            if (_delayed.TryGetValue(key, out var pending))
            {
                if (pending.Due <= due) return;
                pending.Timer.Dispose();
            }
            var timer = _time.CreateTimer(_ => Fire(key, due), null, delay, Timeout.InfiniteTimeSpan);
            _delayed[key] = (due, timer);
        }
    }

    /// <summary>The key's work failed: it comes back after its next backoff delay.</summary>
    public TimeSpan AddRateLimited(string key)
    {
        TimeSpan delay;
        lock (_gate)
        {
            var failures = _failures.GetValueOrDefault(key);
            _failures[key] = failures + 1;
            var ms = FailureBaseDelay.TotalMilliseconds * Math.Pow(2, Math.Min(failures, 40));
            delay = TimeSpan.FromMilliseconds(Math.Min(ms, FailureMaxDelay.TotalMilliseconds));
        }
        AddAfter(key, delay);
        return delay;
    }

    /// <summary>The key's work succeeded: its failure count starts again from zero.</summary>
    public void Forget(string key)
    {
        lock (_gate) _failures.Remove(key);
    }

    /// <summary>Takes a key off for work: it may be queued again from now on.</summary>
    public void Done(string key)
    {
        lock (_gate) _queued.Remove(key);
    }

    private void Fire(string key, DateTimeOffset due)
    {
        lock (_gate)
        {
            if (!_delayed.TryGetValue(key, out var pending) || pending.Due != due) return;
            _delayed.Remove(key);
            pending.Timer.Dispose();
        }
        Add(key);
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
            foreach (var (_, pending) in _delayed) pending.Timer.Dispose();
            _delayed.Clear();
        }
        _ready.Writer.TryComplete();
    }
}

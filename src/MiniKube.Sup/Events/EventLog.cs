namespace MiniKube.Sup.Events;

/// <summary>The most recent events in memory, oldest dropped first.</summary>
public sealed class EventLog(int capacity = 1000) : IEventRecorder
{
    private readonly Lock _gate = new();
    private readonly LinkedList<SupEvent> _events = new();

    public event Action<SupEvent>? Recorded;

    public void Record(SupEvent e)
    {
        lock (_gate)
        {
            _events.AddLast(e);
            while (_events.Count > capacity) _events.RemoveFirst();
        }
        Recorded?.Invoke(e);
    }

    public IReadOnlyList<SupEvent> Snapshot()
    {
        lock (_gate) return _events.ToList();
    }
}

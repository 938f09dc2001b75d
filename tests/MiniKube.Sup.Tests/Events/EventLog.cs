using MiniKube.Sup.Events;

namespace MiniKube.Sup.Tests.Events;

/// <summary>The events a test's pod workers and controllers recorded, in memory (the daemon records them into the
/// store with <see cref="EventRecorder"/>). The most recent are kept, oldest dropped first.</summary>
public sealed class EventLog(int capacity = 1000) : IEventRecorder
{
    private readonly Lock _gate = new();
    private readonly LinkedList<SupEvent> _events = new();

    public void Record(SupEvent e)
    {
        lock (_gate)
        {
            _events.AddLast(e);
            while (_events.Count > capacity) _events.RemoveFirst();
        }
    }

    public IReadOnlyList<SupEvent> Snapshot()
    {
        lock (_gate) return _events.ToList();
    }
}

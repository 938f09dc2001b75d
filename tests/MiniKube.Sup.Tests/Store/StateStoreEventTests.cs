using MiniKube.Sup.Store;

namespace MiniKube.Sup.Tests.Store;

public sealed class StateStoreEventTests : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2025, 1, 2, 3, 4, 5, TimeSpan.Zero);
    private readonly TempStoreDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Event_append_survives_reopen()
    {
        StoredEvent appended;
        using (var store = StateStore.Open(_dir.DatabasePath))
            appended = store.AppendEvent(T0.AddTicks(1234567), "Pod", "web-0", "Warning", "BackOff", "Back-off restarting failed container",
                "spec.containers{app}");

        Assert.Equal(new StoredEvent(appended.Id, T0.AddTicks(1234567), "Pod", "web-0", "Warning", "BackOff",
            "Back-off restarting failed container", "spec.containers{app}", 1), appended);
        using var reopened = StateStore.Open(_dir.DatabasePath);
        Assert.Equal([appended], reopened.ListEvents());
    }

    [Fact]
    public void Events_are_bounded_and_the_oldest_are_dropped_first()
    {
        using (var store = StateStore.Open(_dir.DatabasePath, maxEvents: 5))
        {
            for (var i = 1; i <= 8; i++) store.AppendEvent(T0.AddSeconds(i), "Pod", "p", "Normal", "Started", $"started #{i}", null);
            Assert.Equal(["started #4", "started #5", "started #6", "started #7", "started #8"], store.ListEvents().Select(e => e.Message));
        }

        using (var reopened = StateStore.Open(_dir.DatabasePath, maxEvents: 5))
        {
            reopened.AppendEvent(T0.AddSeconds(9), "Pod", "p", "Normal", "Started", "started #9", null);
            Assert.Equal(["started #5", "started #6", "started #7", "started #8", "started #9"],
                reopened.ListEvents().Select(e => e.Message));
        }

        using var smaller = StateStore.Open(_dir.DatabasePath, maxEvents: 2);
        Assert.Equal(["started #8", "started #9"], smaller.ListEvents().Select(e => e.Message));
    }

    [Fact]
    public void Event_ids_grow_and_are_not_reused_after_the_oldest_are_dropped_or_after_reopen()
    {
        var ids = new List<long>();
        using (var store = StateStore.Open(_dir.DatabasePath, maxEvents: 2))
            for (var i = 0; i < 4; i++) ids.Add(store.AppendEvent(T0, "Pod", "p", "Normal", "R", $"m{i}", null).Id);
        using (var store = StateStore.Open(_dir.DatabasePath, maxEvents: 2))
            ids.Add(store.AppendEvent(T0, "Pod", "p", "Normal", "R", "m4", null).Id);

        Assert.Equal(ids.Order(), ids);
        Assert.Equal(ids.Count, ids.Distinct().Count());
    }

    [Fact]
    public void Repeated_event_is_moved_to_the_newest_with_its_count_bumped()
    {
        using var store = StateStore.Open(_dir.DatabasePath, maxEvents: 3);
        var first = store.AppendEvent(T0, "Pod", "p", "Warning", "BackOff", "back-off", "spec.containers{app}");
        store.AppendEvent(T0.AddSeconds(1), "Pod", "p", "Normal", "Pulled", "image ok", null);
        store.AppendEvent(T0.AddSeconds(2), "Pod", "other", "Warning", "BackOff", "back-off", "spec.containers{app}");
        var again = store.AppendEvent(T0.AddSeconds(3), "Pod", "p", "Warning", "BackOff", "back-off", "spec.containers{app}");
        var third = store.AppendEvent(T0.AddSeconds(4), "Pod", "p", "Warning", "BackOff", "back-off", "spec.containers{app}");

        Assert.Equal(2, again.Count);
        Assert.Equal(3, third.Count);
        Assert.True(again.Id > first.Id && third.Id > again.Id);
        Assert.Equal(T0.AddSeconds(4), third.Timestamp);
        // The series takes one slot: nothing else was pushed out of the three kept.
        Assert.Equal([("p", "Pulled", 1), ("other", "BackOff", 1), ("p", "BackOff", 3)],
            store.ListEvents().Select(e => (e.ObjectName, e.Reason, e.Count)));
        Assert.Equal([third], store.ListEvents(afterId: again.Id));
    }

    [Fact]
    public void Events_differing_in_message_or_field_path_are_separate()
    {
        using var store = StateStore.Open(_dir.DatabasePath);
        store.AppendEvent(T0, "Pod", "p", "Warning", "Unhealthy", "probe failed: 500", "spec.containers{a}");
        store.AppendEvent(T0, "Pod", "p", "Warning", "Unhealthy", "probe failed: 503", "spec.containers{a}");
        store.AppendEvent(T0, "Pod", "p", "Warning", "Unhealthy", "probe failed: 500", "spec.containers{b}");
        store.AppendEvent(T0, "Pod", "p", "Warning", "Unhealthy", "probe failed: 500", null);
        Assert.All(store.ListEvents(), e => Assert.Equal(1, e.Count));
        Assert.Equal(4, store.ListEvents().Count);
    }

    [Fact]
    public void Events_are_filtered_by_object_and_after_id()
    {
        using var store = StateStore.Open(_dir.DatabasePath);
        var a = store.AppendEvent(T0, "Pod", "a", "Normal", "Started", "1", null);
        var b = store.AppendEvent(T0, "Pod", "b", "Normal", "Started", "2", null);
        var d = store.AppendEvent(T0, "Deployment", "a", "Normal", "ScalingReplicaSet", "3", null);
        var a2 = store.AppendEvent(T0, "Pod", "a", "Normal", "Killing", "4", null);

        Assert.Equal([a, b, a2], store.ListEvents("Pod"));
        Assert.Equal([a, a2], store.ListEvents("Pod", "a"));
        Assert.Equal([a2], store.ListEvents("Pod", "a", afterId: a.Id));
        Assert.Equal([d, a2], store.ListEvents(afterId: b.Id));
        Assert.Empty(store.ListEvents(afterId: a2.Id));
    }
}

using k8s.Models;
using MiniKube.Sup.Events;
using MiniKube.Sup.Spec;
using MiniKube.Sup.Store;
using static MiniKube.Sup.Testing.Poll;

namespace MiniKube.Sup.Tests.Events;

/// <summary>Events as core/v1 Event objects in the store: a repeat is one series with its count, as Kubernetes'.</summary>
public sealed class EventRecorderTests : IDisposable
{
    private readonly TempDirectory _dir = new("sup-events-");
    private readonly ObjectStore _store;

    public EventRecorderTests() => _store = ObjectStore.Open(_dir.DatabasePath(), TestClock.Create());

    public void Dispose()
    {
        _store.Dispose();
        _dir.Dispose();
    }

    private IReadOnlyList<Corev1Event> Events() => _store.List(Kinds.Event.Kind).Select(o => o.As<Corev1Event>()).ToList();

    [Fact]
    public async Task A_repeated_event_is_one_object_counted_under_a_name_of_its_object_and_a_hash_and_another_is_its_own()
    {
        await using var recorder = new EventRecorder(_store);
        var at = DateTimeOffset.Parse("2026-12-06T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture);
        var killed = new SupEvent(at, "Pod", "web-0", SupEvent.Normal, "Killing", "Stopping container app", "spec.containers{app}", "uid-1");
        recorder.Record(killed);
        recorder.Record(killed with { Timestamp = at.AddSeconds(5) });
        recorder.Record(killed with { Message = "Stopping container side", FieldPath = "spec.containers{side}" });
        await Until(() => Events().Sum(e => e.Count ?? 0) == 3, "recorded");

        var app = Assert.Single(Events(), e => e.InvolvedObject.FieldPath == "spec.containers{app}");
        Assert.Equal((2, at.UtcDateTime, at.AddSeconds(5).UtcDateTime), (app.Count, app.FirstTimestamp, app.LastTimestamp));
        Assert.Matches("^web-0\\.[0-9a-f]{16}$", app.Metadata.Name);
        var side = Assert.Single(Events(), e => e.InvolvedObject.FieldPath == "spec.containers{side}");
        Assert.Equal(1, side.Count);
        Assert.NotEqual(app.Metadata.Name, side.Metadata.Name);
    }
}

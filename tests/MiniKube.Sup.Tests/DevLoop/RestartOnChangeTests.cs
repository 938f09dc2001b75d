using k8s.Models;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using MiniKube.Sup.DevLoop;
using MiniKube.Sup.Store;
using static MiniKube.Sup.Testing.Poll;

namespace MiniKube.Sup.Tests.DevLoop;

/// <summary>sup.minikube.io/restart-on-change over a real store and real files (fake clock for the debounce).</summary>
public sealed class RestartOnChangeTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = TestClock.Create();
    private readonly ArmingClock _clock;
    private readonly TempDirectory _root = new("sup-devloop-");
    private readonly ObjectStore _store;
    private readonly RestartOnChange _watch;

    public RestartOnChangeTests()
    {
        _store = StoreTesting.Open(_time);
        _clock = new ArmingClock(_time);
        _watch = new RestartOnChange(_store, _clock, _root.Path, NullLogger.Instance);
        Directory.CreateDirectory(Path.Combine(_root.Path, "src", "deep"));
        Directory.CreateDirectory(Path.Combine(_root.Path, "config"));
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await _watch.DisposeAsync();
        _store.Dispose();
        _root.Dispose();
    }

    private static Dictionary<string, string> Watching(string patterns) => new() { ["sup.minikube.io/restart-on-change"] = patterns };

    private string? RestartedAt() =>
        _store.Get("Deployment", "web")?.As<V1Deployment>().Spec.Template.Metadata?.Annotations is { } a && a.TryGetValue("kubectl.kubernetes.io/restartedAt", out var at) ? at : null;

    /// <summary>Lets the clock pass the debounce until <paramref name="condition"/> holds (the file watch's events come
    /// on their own threads).</summary>
    private Task AdvanceUntil(Func<bool> condition, string what) => Until(() =>
    {
        _time.Advance(RestartOnChange.Debounce);
        return condition();
    }, what);

    private void CreateDeployment(string patterns) => _store.Create(new V1Deployment
    {
        ApiVersion = "apps/v1", Kind = "Deployment", Metadata = new V1ObjectMeta { Name = "web" },
        Spec = new V1DeploymentSpec
        {
            Selector = new V1LabelSelector(),
            Template = new V1PodTemplateSpec { Metadata = new V1ObjectMeta { Annotations = Watching(patterns) }, Spec = new V1PodSpec() },
        },
    }, "test");

    /// <summary>How many rollouts the Deployment was given: each restart changes its template, and with it the
    /// generation (k8s: metadata.generation counts changes of the spec).</summary>
    private long Rollouts() => _store.Get("Deployment", "web")!.Object.Metadata.Generation!.Value - 1;

    /// <summary>Returns once the watch of the (one) object that asks for it is set up: its files are watched before
    /// its debounce timer is made.</summary>
    private Task WatchSetUp() => Until(() => _clock.Timers == 1, "the watch set up");

    /// <summary>Writes a file and returns once the watch has (re)armed its debounce for it, at the fake clock's time
    /// now. One write can come as more than one event (created, then written): the last of them is let arrive, so
    /// that no late one rearms the debounce after the test has moved the clock.</summary>
    private async Task Change(string relativePath)
    {
        var before = _clock.Armed;
        File.WriteAllText(Path.Combine(_root.Path, relativePath), Guid.NewGuid().ToString());
        await Until(() => _clock.Armed > before, $"the watch to see {relativePath} change");
        for (var seen = -1; seen != _clock.Armed;)
        {
            seen = _clock.Armed;
            await Task.Delay(200);
        }
    }

    [Fact]
    public async Task A_matching_file_change_gives_a_Deployment_a_rolling_restart_and_others_do_not()
    {
        CreateDeployment("src/**/*.cs, config/*.yaml");
        _watch.Start();
        await WatchSetUp();

        File.WriteAllText(Path.Combine(_root.Path, "config", "notes.txt"), "not watched");
        File.WriteAllText(Path.Combine(_root.Path, "src", "README"), "not watched");
        for (var i = 0; i < 5; i++) _time.Advance(RestartOnChange.Debounce);
        await Task.Delay(300);
        for (var i = 0; i < 3; i++) _time.Advance(RestartOnChange.Debounce);
        Assert.Null(RestartedAt());

        File.WriteAllText(Path.Combine(_root.Path, "src", "deep", "App.cs"), "class App {}");
        await AdvanceUntil(() => RestartedAt() is not null, "a rolling restart");
        var first = RestartedAt();

        _time.Advance(TimeSpan.FromSeconds(5));
        File.WriteAllText(Path.Combine(_root.Path, "config", "app.yaml"), "mode: dev");
        await AdvanceUntil(() => RestartedAt() != first, "another one");
    }

    [Fact]
    public async Task Two_changes_restarted_within_one_second_give_two_rollouts()
    {
        CreateDeployment("src/*.cs");
        _watch.Start();
        await WatchSetUp();
        // Both restarts land in the same second (01.1 and 01.6): kubectl's restartedAt, precise to the second, would
        // write the same value twice, which changes nothing.
        _time.Advance(TimeSpan.FromMilliseconds(600));

        await Change("src/A.cs");
        _time.Advance(RestartOnChange.Debounce);
        Assert.Equal(1, Rollouts());

        await Change("src/B.cs");
        _time.Advance(RestartOnChange.Debounce);
        Assert.Equal(2, Rollouts());
    }

    [Fact]
    public async Task A_burst_of_changes_gives_one_rollout_once_the_changes_have_paused_for_the_debounce()
    {
        CreateDeployment("src/*.cs");
        _watch.Start();
        await WatchSetUp();
        var pause = RestartOnChange.Debounce - TimeSpan.FromMilliseconds(100);

        // Each change comes before the debounce since the one before it has passed: no restart, though the burst as
        // a whole lasts longer than the debounce.
        foreach (var file in new[] { "src/A.cs", "src/B.cs", "src/A.cs", "src/C.cs", "src/B.cs" })
        {
            await Change(file);
            _time.Advance(pause);
            Assert.Equal(0, Rollouts());
        }
        _time.Advance(RestartOnChange.Debounce - pause - TimeSpan.FromTicks(1));
        Assert.Equal(0, Rollouts());

        _time.Advance(TimeSpan.FromTicks(1));
        Assert.Equal(1, Rollouts());
        for (var i = 0; i < 4; i++) _time.Advance(RestartOnChange.Debounce);
        Assert.Equal(1, Rollouts());
    }

    [Theory]
    [InlineData("2026-01-01T00:00:01.6000000Z", null, "2026-01-01T00:00:01.6000000Z")]
    [InlineData("2026-01-01T00:00:01.6000000Z", "2026-01-01T00:00:01Z", "2026-01-01T00:00:01.6000000Z")] // kubectl's, same second
    [InlineData("2026-01-01T00:00:01.6000000Z", "2026-01-01T00:00:01.6000000Z", "2026-01-01T00:00:01.6000001Z")] // a clock that did not move
    [InlineData("2026-01-01T00:00:01.6000000Z", "2026-01-01T00:00:02Z", "2026-01-01T00:00:02.0000001Z")] // one that went back
    [InlineData("2026-01-01T00:00:01.6000000Z", "2026-01-01T02:00:02+02:00", "2026-01-01T00:00:02.0000001Z")] // written with an offset
    [InlineData("2026-01-01T00:00:01.6000000Z", "yesterday", "2026-01-01T00:00:01.6000000Z")]
    public void The_restartedAt_written_is_the_time_to_the_100_ns_and_always_later_than_the_one_before(string now, string? previous, string expected) =>
        Assert.Equal(expected, RestartOnChange.RestartedAt(DateTimeOffset.Parse(now, System.Globalization.CultureInfo.InvariantCulture), previous));

    [Fact]
    public async Task A_bare_pod_is_marked_for_a_restart_in_place_and_a_pod_a_controller_owns_is_not()
    {
        V1Pod Pod(string name, bool owned) => new()
        {
            ApiVersion = "v1", Kind = "Pod",
            Metadata = new V1ObjectMeta
            {
                Name = name, Annotations = Watching("src/*"),
                OwnerReferences = owned ? [new V1OwnerReference { Kind = "ReplicaSet", Name = "rs", Uid = "u", Controller = true, ApiVersion = "apps/v1" }] : null,
            },
            Spec = new V1PodSpec { Containers = [new V1Container { Name = "app", Command = ["true"] }] },
        };
        _store.Create(Pod("alone", owned: false), "test");
        _store.Create(Pod("owned", owned: true), "test");
        _watch.Start();
        await WatchSetUp();

        File.WriteAllText(Path.Combine(_root.Path, "src", "main.go"), "package main");
        string? Marked(string pod) => _store.Get("Pod", pod)?.As<V1Pod>().Metadata.Annotations is { } a && a.TryGetValue("sup.minikube.io/restarted-at", out var at) ? at : null;
        await AdvanceUntil(() => Marked("alone") is not null, "the bare pod marked");
        Assert.Null(Marked("owned"));
    }

    /// <summary>The fake clock, counting the timers made and how often one was armed: the watch is set up, and the
    /// file watch's events come, on threads of their own, and a test waits for them before it moves the clock.</summary>
    private sealed class ArmingClock(FakeTimeProvider time) : TimeProvider
    {
        private int _armed, _timers;

        public int Armed => Volatile.Read(ref _armed);

        public int Timers => Volatile.Read(ref _timers);

        public override DateTimeOffset GetUtcNow() => time.GetUtcNow();

        public override long GetTimestamp() => time.GetTimestamp();

        public override long TimestampFrequency => time.TimestampFrequency;

        public override TimeZoneInfo LocalTimeZone => time.LocalTimeZone;

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            Interlocked.Increment(ref _timers);
            return new Timer(this, time.CreateTimer(callback, state, dueTime, period));
        }

        private sealed class Timer(ArmingClock clock, ITimer timer) : ITimer
        {
            public bool Change(TimeSpan dueTime, TimeSpan period)
            {
                var changed = timer.Change(dueTime, period);
                if (dueTime != Timeout.InfiniteTimeSpan) Interlocked.Increment(ref clock._armed);
                return changed;
            }

            public void Dispose() => timer.Dispose();

            public ValueTask DisposeAsync() => timer.DisposeAsync();
        }
    }
}

using k8s.Models;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using MiniKube.Sup.Store;
using MiniKube.Sup.Controllers;
using MiniKube.Sup.Events;
using MiniKube.Sup.Tests.Events;

namespace MiniKube.Sup.Tests.Controllers;

public sealed class ControllerTests
{
    private readonly FakeTimeProvider _time = TestClock.Create();
    private readonly ObjectStore _repository = StoreTesting.Open();
    private readonly FakePodControl _pods;
    private readonly ControllerContext _context;

    public ControllerTests()
    {
        _pods = new FakePodControl(_time);
        _context = new ControllerContext(_repository, _pods, _time, new EventLog(), new StatePaths(Path.GetTempPath()), NullLogger.Instance);
    }

    private sealed class Recorder(ControllerContext context, TimeSpan? again = null) : Controller(context)
    {
        public List<string> Seen { get; } = [];
        public SemaphoreSlim Signal { get; } = new(0);

        public override string Kind => "DaemonSet";

        public override Task<TimeSpan?> ReconcileAsync(string name, CancellationToken cancel)
        {
            lock (Seen) Seen.Add(name);
            Signal.Release();
            return Task.FromResult(again);
        }
    }

    private static V1DaemonSet DaemonSet(string name, string uid = "u1") =>
        new() { ApiVersion = "apps/v1", Kind = "DaemonSet", Metadata = new V1ObjectMeta { Name = name, Uid = uid }, Spec = new V1DaemonSetSpec() };

    [Fact]
    public async Task Changes_to_an_object_and_to_the_pods_it_controls_enqueue_the_object()
    {
        var recorder = new Recorder(_context);
        await using var manager = new ControllerManager(_context, [recorder]);
        manager.Start();
        _repository.Put(DaemonSet("a"));
        Assert.True(await recorder.Signal.WaitAsync(TimeSpan.FromSeconds(5)));
        var pod = PodTemplates.NewPod(new V1PodTemplateSpec { Spec = new V1PodSpec { Containers = [] } }, "a-xxxxx", DaemonSet("a"));
        _repository.Put(pod);
        Assert.True(await recorder.Signal.WaitAsync(TimeSpan.FromSeconds(5)));
        lock (recorder.Seen) Assert.Equal(["default/a", "default/a"], recorder.Seen);
    }

    [Fact]
    public async Task A_reconcile_that_asks_to_run_again_runs_when_the_clock_reaches_it()
    {
        var recorder = new Recorder(_context, TimeSpan.FromSeconds(30));
        using var armed = new SemaphoreSlim(0);
        recorder.Reconciled += _ => armed.Release();
        _repository.Put(DaemonSet("a"));
        await using var manager = new ControllerManager(_context, [recorder]);
        manager.Start();
        Assert.True(await armed.WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.True(await recorder.Signal.WaitAsync(TimeSpan.FromSeconds(5)));
        _time.Advance(TimeSpan.FromSeconds(29));
        Assert.False(await recorder.Signal.WaitAsync(TimeSpan.FromMilliseconds(100)));
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(await recorder.Signal.WaitAsync(TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public void Template_hash_is_stable_and_changes_with_the_template()
    {
        V1PodTemplateSpec T(string image) => new() { Spec = new V1PodSpec { Containers = [new V1Container { Name = "c", Image = image }] } };
        Assert.Equal(PodTemplates.Hash(T("a")), PodTemplates.Hash(T("a")));
        Assert.NotEqual(PodTemplates.Hash(T("a")), PodTemplates.Hash(T("b")));
        Assert.NotEqual(PodTemplates.Hash(T("a")), PodTemplates.Hash(T("a"), collisionCount: 1));
        Assert.Matches("^[bcdfghjklmnpqrstvwxz2456789]+$", PodTemplates.Hash(T("a")));
    }
}

using k8s.Models;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using MiniKube.Sup.Store;
using MiniKube.Sup.Controllers;
using MiniKube.Sup.Events;
using MiniKube.Sup.Tests.Events;

namespace MiniKube.Sup.Tests.Controllers;

public sealed class DaemonSetControllerTests
{
    private readonly FakeTimeProvider _time = TestClock.Create();
    private readonly ObjectStore _repository = StoreTesting.Open();
    private readonly EventLog _events = new();
    private readonly FakePodControl _pods;
    private readonly DaemonSetController _controller;

    public DaemonSetControllerTests()
    {
        _pods = new FakePodControl(_time);
        _controller = new DaemonSetController(new ControllerContext(_repository, _pods, _time, _events, new StatePaths(Path.GetTempPath()), NullLogger.Instance));
    }

    private V1DaemonSet Apply(string image = "v1", string? strategy = null, int minReady = 0)
    {
        var previous = _repository.Get("DaemonSet", "agent")?.Object.Metadata;
        var ds = new V1DaemonSet
        {
            ApiVersion = "apps/v1",
            Kind = "DaemonSet",
            Metadata = new V1ObjectMeta { Name = "agent", Uid = "ds-uid", Generation = (previous?.Generation ?? 0) + 1 },
            Spec = new V1DaemonSetSpec
            {
                Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = "agent" } },
                MinReadySeconds = minReady,
                UpdateStrategy = strategy is null ? null : new V1DaemonSetUpdateStrategy { Type = strategy },
                Template = new V1PodTemplateSpec
                {
                    Metadata = new V1ObjectMeta { Labels = new Dictionary<string, string> { ["app"] = "agent" } },
                    Spec = new V1PodSpec { Containers = [new V1Container { Name = "main", Image = image, Command = ["sleep", "infinity"] }] },
                },
            },
        };
        _repository.Put(ds);
        return ds;
    }

    private Task<TimeSpan?> Reconcile() => _controller.ReconcileAsync("agent", CancellationToken.None);

    private V1DaemonSetStatus Status() => ((V1DaemonSet)_repository.Get("DaemonSet", "agent")!.Object).Status;

    [Fact]
    public async Task Creates_exactly_one_pod_owned_by_the_daemonset_and_nothing_more_on_repeat()
    {
        Apply();
        await Reconcile();
        await Reconcile();
        var pod = Assert.Single(_pods.List());
        Assert.Matches("^agent-[bcdfghjklmnpqrstvwxz2456789]{5}$", pod.Metadata.Name);
        var owner = Assert.Single(pod.Metadata.OwnerReferences);
        Assert.Equal(("DaemonSet", "agent", "ds-uid", true), (owner.Kind, owner.Name, owner.Uid, owner.Controller ?? false));
        Assert.Equal("agent", pod.Metadata.Labels["app"]);
        Assert.Contains(_events.Snapshot(), e => e.Reason == "SuccessfulCreate" && e.Message == $"Created pod: {pod.Metadata.Name}");
    }

    [Fact]
    public async Task Status_counts_the_pod_ready_and_available_after_min_ready_seconds()
    {
        Apply(minReady: 5);
        await Reconcile();
        Assert.Equal((1, 1, 0, 0, 1), (Status().DesiredNumberScheduled, Status().CurrentNumberScheduled, Status().NumberReady, Status().NumberAvailable, Status().NumberUnavailable ?? 0));
        _pods.SetReady(_pods.Created[0]);
        var again = await Reconcile();
        Assert.Equal(TimeSpan.FromSeconds(5), again);
        Assert.Equal((1, 0), (Status().NumberReady, Status().NumberAvailable));
        _time.Advance(TimeSpan.FromSeconds(5));
        Assert.Null(await Reconcile());
        Assert.Equal((1, 1, 1L), (Status().NumberReady, Status().NumberAvailable, Status().ObservedGeneration ?? 0));
    }

    [Fact]
    public async Task Template_change_stops_the_old_pod_before_starting_the_new()
    {
        Apply("v1");
        await Reconcile();
        var old = _pods.Created[0];
        Apply("v2");
        await Reconcile();
        Assert.Equal([old], _pods.Deleted);
        Assert.Single(_pods.Created); // maxSurge 0: nothing new while the old one terminates
        _pods.Finish(old);
        await Reconcile();
        Assert.Equal(2, _pods.Created.Count);
        Assert.Equal(1, Status().UpdatedNumberScheduled);
    }

    [Fact]
    public async Task OnDelete_keeps_the_old_pod_until_it_is_deleted_by_hand()
    {
        Apply("v1", "OnDelete");
        await Reconcile();
        Apply("v2", "OnDelete");
        await Reconcile();
        Assert.Empty(_pods.Deleted);
        Assert.Equal(0, Status().UpdatedNumberScheduled);
        _pods.Delete(_pods.Created[0]);
        _pods.Finish(_pods.Created[0]);
        await Reconcile();
        Assert.Equal(2, _pods.Created.Count);
        Assert.Equal(1, Status().UpdatedNumberScheduled);
    }

    [Fact]
    public async Task A_failed_pod_is_replaced()
    {
        Apply();
        await Reconcile();
        _pods.SetPhase(_pods.Created[0], "Failed");
        await Reconcile();
        Assert.Equal([_pods.Created[0]], _pods.Deleted);
        _pods.Finish(_pods.Created[0]);
        await Reconcile();
        Assert.Equal(2, _pods.Created.Count);
    }
}

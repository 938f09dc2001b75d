using k8s.Models;
using Microsoft.Extensions.Logging.Abstractions;
using MiniKube.Sup.Controllers;
using MiniKube.Sup.Store;

namespace MiniKube.Sup.Tests.Controllers;

public sealed class GarbageCollectorTests : IAsyncLifetime
{
    private readonly ObjectStore _store = StoreTesting.Open();
    private readonly PodControl _pods;
    private readonly GarbageCollector _collector;

    public GarbageCollectorTests()
    {
        _pods = new PodControl(_store);
        _collector = new GarbageCollector(_store, NullLogger.Instance);
    }

    private static V1PodTemplateSpec Template => new() { Spec = new V1PodSpec { Containers = [new V1Container { Name = "c", Command = ["true"] }] } };

    private StoredObject DaemonSet(string name) => _store.Create(new V1DaemonSet
    {
        ApiVersion = "apps/v1",
        Kind = "DaemonSet",
        Metadata = new V1ObjectMeta { Name = name },
        Spec = new V1DaemonSetSpec { Selector = new V1LabelSelector(), Template = Template },
    }, "test");

    private async Task Settled() => await _collector.Subscription!.IdleAsync().WaitAsync(TimeSpan.FromSeconds(10));

    private bool Terminating(string pod) => _store.Get("Pod", pod)!.Object.Metadata.DeletionTimestamp is not null;

    [Fact]
    public async Task Deleting_an_owner_deletes_its_pods_gracefully_and_leaves_others_alone()
    {
        _collector.Start();
        var owner = DaemonSet("a").Copy<V1DaemonSet>();
        var other = DaemonSet("b").Copy<V1DaemonSet>();
        _pods.Create(PodTemplates.NewPod(Template, "a-1", owner));
        _pods.Create(PodTemplates.NewPod(Template, "b-1", other));
        _store.Delete("DaemonSet", "a");
        await Settled();
        Assert.True(Terminating("a-1"));
        Assert.False(Terminating("b-1"));
    }

    [Fact]
    public async Task Deleting_a_CronJob_cascades_through_its_Jobs_to_their_pods()
    {
        _collector.Start();
        var cronJob = _store.Create(new V1CronJob
        {
            ApiVersion = "batch/v1",
            Kind = "CronJob",
            Metadata = new V1ObjectMeta { Name = "report" },
            Spec = new V1CronJobSpec { Schedule = "* * * * *", JobTemplate = new V1JobTemplateSpec { Spec = new V1JobSpec { Template = Template } } },
        }, "test").Copy<V1CronJob>();
        var job = _store.Create(new V1Job
        {
            ApiVersion = "batch/v1",
            Kind = "Job",
            Metadata = new V1ObjectMeta { Name = "report-1", OwnerReferences = [PodTemplates.OwnerReference(cronJob)] },
            Spec = new V1JobSpec { Template = Template },
        }, "controller").Copy<V1Job>();
        _pods.Create(PodTemplates.NewPod(Template, "report-1-x", job));
        _store.Delete("CronJob", "report");
        await Settled();
        Assert.Null(_store.Get("Job", "report-1"));
        Assert.True(Terminating("report-1-x"));
    }

    [Fact]
    public async Task An_object_whose_owner_is_gone_is_deleted_when_the_collector_first_sees_it()
    {
        // As after a restart: the owner was deleted while the daemon was down.
        var owner = DaemonSet("a").Copy<V1DaemonSet>();
        _pods.Create(PodTemplates.NewPod(Template, "a-1", owner));
        _store.Remove(ObjectKey.Default("DaemonSet", "a"), uid: null);
        _collector.Start();
        await Settled();
        Assert.True(Terminating("a-1"));
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await _collector.DisposeAsync();
        _store.Dispose();
    }
}

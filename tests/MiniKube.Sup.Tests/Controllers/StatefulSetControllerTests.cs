using k8s.Models;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using MiniKube.Sup.Store;
using MiniKube.Sup.Controllers;
using MiniKube.Sup.Events;
using MiniKube.Sup.Tests.Events;

namespace MiniKube.Sup.Tests.Controllers;

public sealed class StatefulSetControllerTests
{
    private readonly FakeTimeProvider _time = TestClock.Create();
    private readonly ObjectStore _repository = StoreTesting.Open();
    private readonly EventLog _events = new();
    private readonly FakePodControl _pods;
    private readonly StatefulSetController _controller;

    public StatefulSetControllerTests()
    {
        _pods = new FakePodControl(_time);
        _controller = new StatefulSetController(new ControllerContext(_repository, _pods, _time, _events, new StatePaths(Path.GetTempPath()), NullLogger.Instance));
    }

    private void Apply(int replicas = 3, string image = "v1", string policy = "OrderedReady", string strategy = "RollingUpdate", int partition = 0)
    {
        var previous = _repository.Get("StatefulSet", "db")?.Object.Metadata;
        _repository.Put(new V1StatefulSet
        {
            ApiVersion = "apps/v1",
            Kind = "StatefulSet",
            Metadata = new V1ObjectMeta { Name = "db", Uid = "sts-uid", Generation = (previous?.Generation ?? 0) + 1 },
            Spec = new V1StatefulSetSpec
            {
                Replicas = replicas,
                ServiceName = "db",
                PodManagementPolicy = policy,
                UpdateStrategy = new V1StatefulSetUpdateStrategy
                {
                    Type = strategy,
                    RollingUpdate = strategy == "RollingUpdate" ? new V1RollingUpdateStatefulSetStrategy { Partition = partition } : null,
                },
                Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = "db" } },
                Template = new V1PodTemplateSpec
                {
                    Metadata = new V1ObjectMeta { Labels = new Dictionary<string, string> { ["app"] = "db" } },
                    Spec = new V1PodSpec { Containers = [new V1Container { Name = "main", Image = image, Command = ["db"] }] },
                },
                VolumeClaimTemplates = [new V1PersistentVolumeClaim { Metadata = new V1ObjectMeta { Name = "data" } }],
            },
        });
    }

    private Task<TimeSpan?> Reconcile() => _controller.ReconcileAsync("db", CancellationToken.None);

    private List<string> Live() => _pods.List().Where(PodState.IsActive).Select(p => p.Metadata.Name).Order(StringComparer.Ordinal).ToList();

    private string Revision(string pod) => _pods.Get(pod)!.Metadata.Labels[StatefulSetController.RevisionLabel];

    private V1StatefulSetStatus Status() => ((V1StatefulSet)_repository.Get("StatefulSet", "db")!.Object).Status;

    private async Task ReadyAndSettle(int rounds = 10)
    {
        for (var i = 0; i < rounds; i++)
        {
            await Reconcile();
            foreach (var p in _pods.List().Where(p => PodState.IsActive(p) && !PodState.IsReady(p))) _pods.SetReady(p.Metadata.Name);
            foreach (var p in _pods.List().Where(PodState.IsTerminating)) _pods.Finish(p.Metadata.Name);
        }
    }

    [Fact]
    public async Task OrderedReady_creates_pod_k_plus_1_only_once_pod_k_is_running_and_ready()
    {
        Apply(replicas: 3);
        await Reconcile();
        await Reconcile();
        Assert.Equal(["db-0"], _pods.Created);
        _pods.SetPhase("db-0", "Running"); // running but not ready: still gated
        await Reconcile();
        Assert.Equal(["db-0"], _pods.Created);
        _pods.SetReady("db-0");
        await Reconcile();
        Assert.Equal(["db-0", "db-1"], _pods.Created);
        _pods.SetReady("db-1");
        await Reconcile();
        Assert.Equal(["db-0", "db-1", "db-2"], _pods.Created);
        _pods.SetReady("db-2");
        await Reconcile();
        Assert.Equal((3, 3, 3), (Status().Replicas, Status().ReadyReplicas ?? 0, Status().UpdatedReplicas ?? 0));
        Assert.Equal(Status().UpdateRevision, Status().CurrentRevision);
    }

    [Fact]
    public async Task Pods_have_stable_names_hostnames_labels_and_per_ordinal_claims()
    {
        Apply(replicas: 2);
        await ReadyAndSettle();
        var pod = _pods.Get("db-1")!;
        Assert.Equal(("db-1", "db"), (pod.Spec.Hostname, pod.Spec.Subdomain));
        Assert.Equal("db-1", pod.Metadata.Labels[StatefulSetController.PodNameLabel]);
        Assert.Equal("1", pod.Metadata.Labels[StatefulSetController.PodIndexLabel]);
        var volume = Assert.Single(pod.Spec.Volumes);
        Assert.Equal(("data", "data-db-1"), (volume.Name, volume.PersistentVolumeClaim.ClaimName));
        Assert.Contains(pod.Spec.Containers[0].Env, e => e.Name == "HOSTNAME" && e.Value == "db-1");
    }

    [Fact]
    public async Task A_pod_that_fails_before_its_successor_is_ready_blocks_the_successor()
    {
        Apply(replicas: 3);
        await ReadyAndSettle(2); // db-0 and db-1 up
        Assert.Equal(["db-0", "db-1"], Live());
        _pods.SetReady("db-0", ready: false);
        _pods.SetReady("db-1");
        await Reconcile();
        await Reconcile();
        Assert.DoesNotContain("db-2", _pods.Created);
        _pods.SetReady("db-0");
        await Reconcile();
        Assert.Contains("db-2", _pods.Created);
    }

    [Fact]
    public async Task Scale_down_removes_the_highest_ordinal_first_one_at_a_time()
    {
        Apply(replicas: 3);
        await ReadyAndSettle();
        Apply(replicas: 1);
        await Reconcile();
        await Reconcile();
        Assert.Equal(["db-2"], _pods.Deleted); // db-1 waits until db-2 is gone
        _pods.Finish("db-2");
        await Reconcile();
        Assert.Equal(["db-2", "db-1"], _pods.Deleted);
        _pods.Finish("db-1");
        await Reconcile();
        Assert.Equal(["db-0"], Live());
    }

    [Fact]
    public async Task Scale_down_waits_while_another_pod_is_unhealthy()
    {
        Apply(replicas: 3);
        await ReadyAndSettle();
        _pods.SetReady("db-0", ready: false);
        Apply(replicas: 2);
        await Reconcile();
        Assert.Empty(_pods.Deleted);
        _pods.SetReady("db-0");
        await Reconcile();
        Assert.Equal(["db-2"], _pods.Deleted);
    }

    [Fact]
    public async Task Parallel_creates_and_deletes_all_at_once()
    {
        Apply(replicas: 3, policy: "Parallel");
        await Reconcile();
        Assert.Equal(["db-0", "db-1", "db-2"], _pods.Created);
        Apply(replicas: 0, policy: "Parallel");
        await Reconcile();
        Assert.Equal(["db-2", "db-1", "db-0"], _pods.Deleted);
    }

    [Fact]
    public async Task Rolling_update_goes_from_the_highest_ordinal_down_to_the_partition()
    {
        Apply(replicas: 3, image: "v1", partition: 1);
        await ReadyAndSettle();
        var v1 = Revision("db-0");
        Apply(replicas: 3, image: "v2", partition: 1);
        await Reconcile();
        Assert.Equal(["db-2"], _pods.Deleted);
        await Reconcile();
        Assert.Equal(["db-2"], _pods.Deleted); // waits for db-2 to come back ready
        _pods.Finish("db-2");
        await Reconcile();
        Assert.NotEqual(v1, Revision("db-2"));
        await Reconcile();
        Assert.Equal(["db-2"], _pods.Deleted);
        _pods.SetReady("db-2");
        await Reconcile();
        Assert.Equal(["db-2", "db-1"], _pods.Deleted);
        await ReadyAndSettle();
        Assert.Equal(v1, Revision("db-0")); // below the partition: untouched
        Assert.NotEqual(v1, Revision("db-1"));
        Assert.Equal((3, 2, 1), (Status().Replicas, Status().UpdatedReplicas ?? 0, Status().CurrentReplicas ?? 0));
        Assert.Equal(v1, Status().CurrentRevision);

        // A pod below the partition that is deleted comes back at the current (old) revision.
        _pods.Delete("db-0");
        await ReadyAndSettle();
        Assert.Equal(v1, Revision("db-0"));

        // Partition 0: the rest is updated and the update revision becomes current.
        Apply(replicas: 3, image: "v2", partition: 0);
        await ReadyAndSettle();
        Assert.NotEqual(v1, Revision("db-0"));
        Assert.Equal(Status().UpdateRevision, Status().CurrentRevision);
        Assert.Equal(3, Status().CurrentReplicas);
    }

    [Fact]
    public async Task OnDelete_updates_a_pod_only_when_it_is_deleted_by_hand()
    {
        Apply(replicas: 2, image: "v1", strategy: "OnDelete");
        await ReadyAndSettle();
        var v1 = Revision("db-1");
        Apply(replicas: 2, image: "v2", strategy: "OnDelete");
        await ReadyAndSettle();
        Assert.Empty(_pods.Deleted);
        Assert.Equal(v1, Revision("db-1"));
        _pods.Delete("db-1");
        await ReadyAndSettle();
        Assert.NotEqual(v1, Revision("db-1"));
        Assert.Equal(v1, Revision("db-0"));
    }

    [Fact]
    public async Task A_failed_pod_is_recreated_with_the_same_name()
    {
        Apply(replicas: 1);
        await ReadyAndSettle();
        _pods.SetPhase("db-0", "Failed");
        await Reconcile();
        Assert.Equal(["db-0"], _pods.Deleted);
        _pods.Finish("db-0");
        await Reconcile();
        Assert.Equal(["db-0", "db-0"], _pods.Created);
    }
}

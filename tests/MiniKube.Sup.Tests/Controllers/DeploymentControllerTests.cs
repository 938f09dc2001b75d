using k8s.Models;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using MiniKube.Sup.Store;
using MiniKube.Sup.Controllers;
using MiniKube.Sup.Events;
using MiniKube.Sup.Tests.Events;

namespace MiniKube.Sup.Tests.Controllers;

/// <summary>Deployment + ReplicaSet controllers on a fake clock and fake pods: the test plays the pod agent
/// (pods become ready, terminating pods finish) and checks every step of a rollout.</summary>
public sealed class DeploymentControllerTests
{
    private readonly FakeTimeProvider _time = TestClock.Create();
    private readonly ObjectStore _repository = StoreTesting.Open();
    private readonly EventLog _events = new();
    private readonly FakePodControl _pods;
    private readonly DeploymentController _deployments;
    private readonly ReplicaSetController _replicaSets;

    public DeploymentControllerTests()
    {
        _pods = new FakePodControl(_time);
        var context = new ControllerContext(_repository, _pods, _time, _events, new StatePaths(Path.GetTempPath()), NullLogger.Instance);
        _deployments = new DeploymentController(context);
        _replicaSets = new ReplicaSetController(context);
    }

    private V1Deployment Apply(string image = "v1", int replicas = 3, string type = "RollingUpdate", string surge = "25%", string unavailable = "25%",
        int minReady = 0, int deadline = 600, int history = 10)
    {
        var previous = _repository.Get("Deployment", "web")?.Object.Metadata;
        var d = new V1Deployment
        {
            ApiVersion = "apps/v1",
            Kind = "Deployment",
            Metadata = new V1ObjectMeta { Name = "web", Uid = "d-uid", Generation = (previous?.Generation ?? 0) + 1, CreationTimestamp = _time.GetUtcNow().UtcDateTime },
            Spec = new V1DeploymentSpec
            {
                Replicas = replicas,
                MinReadySeconds = minReady,
                ProgressDeadlineSeconds = deadline,
                RevisionHistoryLimit = history,
                Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = "web" } },
                Strategy = new V1DeploymentStrategy
                {
                    Type = type,
                    RollingUpdate = type == "RollingUpdate" ? new V1RollingUpdateDeployment { MaxSurge = surge, MaxUnavailable = unavailable } : null,
                },
                Template = new V1PodTemplateSpec
                {
                    Metadata = new V1ObjectMeta { Labels = new Dictionary<string, string> { ["app"] = "web" } },
                    Spec = new V1PodSpec { Containers = [new V1Container { Name = "main", Image = image, Command = ["serve"] }] },
                },
            },
        };
        _repository.Put(d);
        return d;
    }

    /// <summary>Runs both controllers until nothing changes (what their queues do in the daemon).</summary>
    private async Task<TimeSpan?> Settle()
    {
        TimeSpan? again = null;
        for (var round = 0; round < 50; round++)
        {
            var before = _repository.ResourceVersion;
            var podsBefore = _pods.Created.Count + _pods.Deleted.Count;
            again = await _deployments.ReconcileAsync("web", CancellationToken.None);
            foreach (var rs in _repository.List("ReplicaSet")) await _replicaSets.ReconcileAsync(rs.Object.Metadata.Name, CancellationToken.None);
            if (_repository.ResourceVersion == before && _pods.Created.Count + _pods.Deleted.Count == podsBefore) return again;
        }
        throw new InvalidOperationException("the controllers did not settle");
    }

    private V1DeploymentStatus Status() => ((V1Deployment)_repository.Get("Deployment", "web")!.Object).Status;

    private List<V1ReplicaSet> ReplicaSets() => _repository.List("ReplicaSet").Select(e => (V1ReplicaSet)e.Object).ToList();

    private List<V1Pod> Live() => _pods.List().Where(PodState.IsActive).ToList();

    private string Hash(V1Pod pod) => pod.Metadata.Labels[DeploymentController.PodTemplateHashLabel];

    private void ReadyAll()
    {
        foreach (var p in Live().Where(p => !PodState.IsReady(p))) _pods.SetReady(p.Metadata.Name);
    }

    private void FinishTerminating()
    {
        foreach (var p in _pods.List().Where(PodState.IsTerminating)) _pods.Finish(p.Metadata.Name);
    }

    private V1DeploymentCondition Condition(string type) => Status().Conditions.Single(c => c.Type == type);

    [Fact]
    public async Task Creates_a_replica_set_named_by_template_hash_and_its_pods()
    {
        Apply(replicas: 3);
        await _deployments.ReconcileAsync("web", CancellationToken.None);
        Assert.Equal(("True", "NewReplicaSetCreated"), (Condition("Progressing").Status, Condition("Progressing").Reason));
        await Settle();
        var rs = Assert.Single(ReplicaSets());
        Assert.Matches("^web-[bcdfghjklmnpqrstvwxz2456789]+$", rs.Metadata.Name);
        Assert.Equal("1", rs.Metadata.Annotations[DeploymentController.RevisionAnnotation]);
        Assert.Equal("d-uid", rs.Metadata.OwnerReferences.Single().Uid);
        Assert.Equal(3, Live().Count);
        Assert.All(Live(), p => Assert.Matches($"^{rs.Metadata.Name}-[bcdfghjklmnpqrstvwxz2456789]{{5}}$", p.Metadata.Name));
        Assert.All(Live(), p => Assert.Equal(rs.Metadata.Uid, p.Metadata.OwnerReferences.Single().Uid));
        Assert.Contains(_events.Snapshot(), e => e.Reason == "ScalingReplicaSet" && e.Message == $"Scaled up replica set {rs.Metadata.Name} from 0 to 3");
        Assert.Equal("ReplicaSetUpdated", Condition("Progressing").Reason);
        Assert.Equal(("False", "MinimumReplicasUnavailable"), (Condition("Available").Status, Condition("Available").Reason));

        ReadyAll();
        await Settle();
        var s = Status();
        Assert.Equal((3, 3, 3, 3, 0), (s.Replicas ?? 0, s.UpdatedReplicas ?? 0, s.ReadyReplicas ?? 0, s.AvailableReplicas ?? 0, s.UnavailableReplicas ?? 0));
        Assert.Equal(("True", "NewReplicaSetAvailable"), (Condition("Progressing").Status, Condition("Progressing").Reason));
        Assert.Equal($"ReplicaSet \"{ReplicaSets()[0].Metadata.Name}\" has successfully progressed.", Condition("Progressing").Message);
        Assert.Equal(("True", "MinimumReplicasAvailable"), (Condition("Available").Status, Condition("Available").Reason));
        Assert.Equal(1, s.ObservedGeneration);
        // Idempotent: nothing more is created on repeat.
        await Settle();
        Assert.Equal(3, _pods.Created.Count);
    }

    [Fact]
    public async Task Rolling_update_with_max_unavailable_0_never_drops_below_replicas_nor_exceeds_surge()
    {
        Apply("v1", replicas: 3, surge: "1", unavailable: "0");
        await Settle();
        ReadyAll();
        await Settle();
        var oldHash = Hash(Live()[0]);
        Apply("v2", replicas: 3, surge: "1", unavailable: "0");
        for (var step = 0; step < 20; step++)
        {
            await Settle();
            var live = Live();
            Assert.True(live.Count(PodState.IsReady) >= 3, $"step {step}: fewer than 3 ready pods");
            Assert.True(live.Count <= 4, $"step {step}: {live.Count} pods, more than replicas + maxSurge");
            if (live.All(p => Hash(p) != oldHash) && live.All(PodState.IsReady) && live.Count == 3) break;
            // The agent's part: new pods become ready, terminating ones finish.
            ReadyAll();
            FinishTerminating();
        }
        await Settle();
        Assert.Equal(3, Live().Count);
        Assert.All(Live(), p => Assert.NotEqual(oldHash, Hash(p)));
        Assert.Equal(2, ReplicaSets().Count);
        Assert.Equal(0, ReplicaSets().Single(rs => rs.Metadata.Labels["pod-template-hash"] == oldHash).Spec.Replicas);
        Assert.Equal("2", ((V1Deployment)_repository.Get("Deployment", "web")!.Object).Metadata.Annotations[DeploymentController.RevisionAnnotation]);
        Assert.Equal("NewReplicaSetAvailable", Condition("Progressing").Reason);
    }

    [Fact]
    public async Task Rolling_update_waits_for_the_new_pod_to_be_available_before_removing_an_old_one()
    {
        Apply("v1", replicas: 1);
        await Settle();
        ReadyAll();
        await Settle();
        var old = Live().Single().Metadata.Name;
        Apply("v2", replicas: 1); // 25%/25% of 1 → surge 1, unavailable 0
        await Settle();
        Assert.Equal(2, Live().Count);
        Assert.Empty(_pods.Deleted);
        Assert.Equal(("True", "ReplicaSetUpdated"), (Condition("Progressing").Status, Condition("Progressing").Reason));
        _pods.SetReady(Live().Single(p => p.Metadata.Name != old).Metadata.Name);
        await Settle();
        Assert.Equal([old], _pods.Deleted);
    }

    [Fact]
    public async Task Min_ready_seconds_delays_availability_and_the_rollout()
    {
        Apply("v1", replicas: 1, minReady: 10);
        await Settle();
        ReadyAll();
        var again = await Settle();
        Assert.Equal(0, Status().AvailableReplicas ?? 0);
        Assert.Equal(1, Status().ReadyReplicas);
        Assert.NotNull(again);
        _time.Advance(TimeSpan.FromSeconds(10));
        await Settle();
        Assert.Equal(1, Status().AvailableReplicas);
    }

    [Fact]
    public async Task Recreate_stops_every_old_pod_before_starting_new_ones()
    {
        Apply("v1", replicas: 2, type: "Recreate");
        await Settle();
        ReadyAll();
        await Settle();
        Apply("v2", replicas: 2, type: "Recreate");
        await Settle();
        Assert.Equal(2, _pods.Deleted.Count);
        Assert.Single(ReplicaSets()); // no new ReplicaSet while old pods terminate
        Assert.Equal(2, _pods.Created.Count);
        FinishTerminating();
        await Settle();
        Assert.Equal(2, ReplicaSets().Count);
        Assert.Equal(2, Live().Count);
        Assert.Equal(4, _pods.Created.Count);
    }

    [Fact]
    public async Task No_progress_within_the_deadline_sets_Progressing_False_ProgressDeadlineExceeded()
    {
        Apply("v1", replicas: 1, deadline: 30);
        await Settle();
        ReadyAll();
        await Settle();
        Apply("v2", replicas: 1, deadline: 30);
        var again = await Settle(); // the new pod never becomes ready
        Assert.NotNull(again);
        Assert.True(again <= TimeSpan.FromSeconds(31), $"requeue after {again}");
        _time.Advance(TimeSpan.FromSeconds(29));
        await Settle();
        Assert.Equal("True", Condition("Progressing").Status);
        _time.Advance(TimeSpan.FromSeconds(2));
        await Settle();
        var progressing = Condition("Progressing");
        Assert.Equal(("False", "ProgressDeadlineExceeded"), (progressing.Status, progressing.Reason));
        Assert.EndsWith("has timed out progressing.", progressing.Message);
        // No automatic rollback: the old pod keeps running, the new one is still there.
        Assert.Equal(2, Live().Count);
        // It keeps trying: once the new pod is ready the rollout completes.
        ReadyAll();
        await Settle();
        FinishTerminating();
        await Settle();
        Assert.Equal(("True", "NewReplicaSetAvailable"), (Condition("Progressing").Status, Condition("Progressing").Reason));
    }

    [Fact]
    public async Task Revision_history_limit_keeps_only_that_many_old_replica_sets()
    {
        for (var v = 1; v <= 4; v++)
        {
            Apply($"v{v}", replicas: 1, history: 1);
            for (var i = 0; i < 6; i++)
            {
                await Settle();
                ReadyAll();
                FinishTerminating();
            }
        }
        await Settle();
        var sets = ReplicaSets().OrderBy(DeploymentController.Revision).ToList();
        Assert.Equal(2, sets.Count);
        Assert.Equal([3L, 4L], sets.Select(DeploymentController.Revision));
    }

    [Fact]
    public async Task Rolling_back_to_an_old_template_reuses_its_replica_set_as_the_newest_revision()
    {
        Apply("v1", replicas: 1);
        for (var i = 0; i < 4; i++) { await Settle(); ReadyAll(); FinishTerminating(); }
        var first = ReplicaSets().Single().Metadata.Name;
        Apply("v2", replicas: 1);
        for (var i = 0; i < 4; i++) { await Settle(); ReadyAll(); FinishTerminating(); }
        Apply("v1", replicas: 1);
        for (var i = 0; i < 4; i++) { await Settle(); ReadyAll(); FinishTerminating(); }
        var sets = ReplicaSets();
        Assert.Equal(2, sets.Count);
        var back = sets.Single(rs => rs.Metadata.Name == first);
        Assert.Equal(3, DeploymentController.Revision(back));
        Assert.Equal(1, back.Spec.Replicas);
        Assert.All(Live(), p => Assert.StartsWith(first + "-", p.Metadata.Name));
    }

    [Fact]
    public async Task Scaling_down_removes_the_not_ready_pod_first()
    {
        Apply(replicas: 3);
        await Settle();
        var names = Live().Select(p => p.Metadata.Name).ToList();
        _pods.SetReady(names[0]);
        _time.Advance(TimeSpan.FromSeconds(1));
        _pods.SetReady(names[2]);
        await Settle();
        Apply(replicas: 2);
        await Settle();
        Assert.Equal([names[1]], _pods.Deleted);
        Apply(replicas: 1);
        await Settle();
        Assert.Equal([names[1], names[2]], _pods.Deleted); // then the one ready for less time
    }

    [Fact]
    public async Task Deleting_a_pod_gets_it_replaced()
    {
        Apply(replicas: 2);
        await Settle();
        var victim = Live()[0].Metadata.Name;
        _pods.Delete(victim);
        await Settle();
        Assert.Equal(2, Live().Count);
        Assert.Equal(3, _pods.Created.Count);
    }
}

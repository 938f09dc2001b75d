using k8s.Models;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using MiniKube.Sup.Controllers;
using MiniKube.Sup.Desired;
using MiniKube.Sup.Store;
using MiniKube.Sup.Tests.Events;
using MiniKube.Sup.Tests.Volumes;
using MiniKube.Sup.Volumes;

namespace MiniKube.Sup.Tests.Controllers;

/// <summary>A claim is Pending until the first pod that uses it has set up its volumes (its directory made), then
/// Bound with the storage it asked for and its access modes.</summary>
public sealed class ClaimControllerTests : IDisposable
{
    private readonly FakeTimeProvider _time = TestClock.Create();
    private readonly ObjectStore _store = StoreTesting.Open();
    private readonly TempDirectory _root = new("sup-claims-");
    private readonly StatePaths _paths;
    private readonly DesiredState _desired;
    private readonly ClaimController _controller;

    public ClaimControllerTests()
    {
        _paths = new StatePaths(Path.Combine(_root.Path, "state"));
        _desired = new DesiredState(_store, NullLogger.Instance);
        _controller = new ClaimController(new ControllerContext(_store, new PodControl(_store), _time, new EventLog(), _paths, NullLogger.Instance));
    }

    public void Dispose()
    {
        _store.Dispose();
        _root.Dispose();
    }

    private static V1PersistentVolumeClaim Claim(string ns) => new()
    {
        ApiVersion = "v1",
        Kind = "PersistentVolumeClaim",
        Metadata = new V1ObjectMeta { Name = "data", NamespaceProperty = ns },
        Spec = new V1PersistentVolumeClaimSpec
        {
            AccessModes = ["ReadWriteOnce"],
            Resources = new V1VolumeResourceRequirements { Requests = new Dictionary<string, ResourceQuantity> { ["storage"] = new("1Gi") } },
        },
    };

    private static V1Pod PodUsing(string ns, string claim) => new()
    {
        ApiVersion = "v1",
        Kind = "Pod",
        Metadata = new V1ObjectMeta { Name = "db", NamespaceProperty = ns },
        Spec = new V1PodSpec
        {
            Containers = [new V1Container { Name = "db", Command = ["sleep", "1"] }],
            Volumes = [new V1Volume { Name = "data", PersistentVolumeClaim = new V1PersistentVolumeClaimVolumeSource { ClaimName = claim } }],
        },
    };

    private V1PersistentVolumeClaim Stored(string ns) => _store.Get(new ObjectKey("PersistentVolumeClaim", ns, "data"))!.Copy<V1PersistentVolumeClaim>();

    private V1PersistentVolumeClaimStatus? StatusOf(string ns) => Stored(ns).Status;

    [Theory]
    [InlineData("default")]
    [InlineData("team")]
    public async Task A_claim_is_Pending_until_a_pod_sets_up_its_volume_then_Bound_with_the_requested_storage(string ns)
    {
        _desired.Apply(Claim(ns), DesiredState.ApiSource);

        await _controller.ReconcileAsync($"{ns}/data", CancellationToken.None);
        var pending = StatusOf(ns);
        Assert.Equal("Pending", pending?.Phase);
        Assert.Null(pending?.Capacity);
        Assert.Null(pending?.AccessModes);
        Assert.Null(Stored(ns).Spec.VolumeName);

        // The pod worker's volume set-up makes the claim's directory.
        var pod = PodUsing(ns, "data");
        new PodVolumes(_paths, new InMemoryConfigSource()).SetUp(pod);
        await _controller.ReconcileAsync($"{ns}/data", CancellationToken.None);

        var bound = StatusOf(ns);
        Assert.Equal("Bound", bound?.Phase);
        Assert.Equal("1Gi", bound?.Capacity?["storage"].ToString());
        Assert.Equal(["ReadWriteOnce"], bound?.AccessModes);
        // kubectl shows capacity and access modes only for a claim with a volume.
        Assert.Equal("pvc-" + Stored(ns).Metadata.Uid, Stored(ns).Spec.VolumeName);
    }

    [Fact]
    public async Task The_claim_applied_again_stays_bound_to_its_volume()
    {
        _desired.Apply(Claim("default"), DesiredState.ApiSource);
        new PodVolumes(_paths, new InMemoryConfigSource()).SetUp(PodUsing("default", "data"));
        await _controller.ReconcileAsync("default/data", CancellationToken.None);
        var volume = Stored("default").Spec.VolumeName;

        var outcome = _desired.Apply(Claim("default"), DesiredState.ApiSource).Outcome;

        Assert.Equal(ApplyOutcome.Unchanged, outcome);
        Assert.Equal(volume, Stored("default").Spec.VolumeName);
        Assert.Equal("Bound", StatusOf("default")?.Phase);
    }

    [Fact]
    public void A_change_of_a_pod_wakes_the_claims_its_volumes_name_in_its_namespace()
    {
        var pod = _store.Create(PodUsing("team", "data"), "test");

        Assert.Equal(["team/data"], _controller.KeysFor(new ObjectEvent(ObjectEvent.Added, pod)));
    }

    [Fact]
    public async Task A_claim_nobody_uses_is_not_Bound_by_another_namespaces_directory()
    {
        _desired.Apply(Claim("team"), DesiredState.ApiSource);
        new PodVolumes(_paths, new InMemoryConfigSource()).SetUp(PodUsing("default", "data"));

        await _controller.ReconcileAsync("team/data", CancellationToken.None);

        Assert.Equal("Pending", StatusOf("team")?.Phase);
    }
}

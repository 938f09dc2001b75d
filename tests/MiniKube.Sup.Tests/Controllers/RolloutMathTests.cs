using k8s.Models;
using MiniKube.Sup.Controllers;

namespace MiniKube.Sup.Tests.Controllers;

public sealed class RolloutMathTests
{
    [Theory]
    // replicas, maxSurge, maxUnavailable → surge (rounded up), unavailable (rounded down)
    [InlineData(1, "25%", "25%", 1, 0)]
    [InlineData(4, "25%", "25%", 1, 1)]
    [InlineData(10, "25%", "25%", 3, 2)]
    [InlineData(3, "50%", "50%", 2, 1)]
    [InlineData(10, "1", "0", 1, 0)]
    [InlineData(10, "0", "3", 0, 3)]
    [InlineData(3, "10%", "10%", 1, 0)]
    [InlineData(0, "25%", "25%", 0, 1)] // both zero → unavailable 1
    [InlineData(5, "0%", "0%", 0, 1)]
    [InlineData(2, "0%", "49%", 0, 1)]  // 0.98 rounds down to 0, both zero → 1
    [InlineData(4, "100%", "100%", 4, 4)]
    public void Fenceposts_round_surge_up_and_unavailable_down_and_never_both_zero(int replicas, string surge, string unavailable, int expectedSurge, int expectedUnavailable)
    {
        Assert.Equal((expectedSurge, expectedUnavailable), RolloutMath.ResolveFenceposts(surge, unavailable, replicas));
    }

    private static V1Deployment Deployment(int replicas, string surge = "25%", string unavailable = "25%", string type = "RollingUpdate") => new()
    {
        Metadata = new V1ObjectMeta { Name = "web" },
        Spec = new V1DeploymentSpec
        {
            Replicas = replicas,
            Strategy = new V1DeploymentStrategy
            {
                Type = type,
                RollingUpdate = type == "RollingUpdate" ? new V1RollingUpdateDeployment { MaxSurge = surge, MaxUnavailable = unavailable } : null,
            },
        },
    };

    [Fact]
    public void Max_unavailable_is_capped_at_replicas_and_zero_for_recreate_or_no_replicas()
    {
        Assert.Equal(3, RolloutMath.MaxUnavailable(Deployment(3, "0", "5")));
        Assert.Equal(0, RolloutMath.MaxUnavailable(Deployment(0)));
        Assert.Equal(0, RolloutMath.MaxUnavailable(Deployment(3, type: "Recreate")));
        Assert.Equal(0, RolloutMath.MaxSurge(Deployment(3, type: "Recreate")));
    }

    [Theory]
    // replicas, surge, unavailable, all RS replicas, new RS replicas → new RS replicas allowed now
    [InlineData(3, "1", "0", 3, 0, 1)]   // room for one surge pod
    [InlineData(3, "1", "0", 4, 1, 1)]   // at replicas + surge: wait
    [InlineData(3, "1", "0", 3, 1, 2)]   // an old one went: one more new
    [InlineData(10, "25%", "25%", 10, 0, 3)]
    [InlineData(10, "25%", "25%", 8, 5, 10)] // never above replicas
    [InlineData(3, "0", "1", 3, 0, 0)]   // no surge: old ones must go first
    [InlineData(3, "0", "1", 2, 0, 1)]
    public void New_replica_set_grows_within_replicas_plus_surge(int replicas, string surge, string unavailable, int all, int current, int expected)
    {
        Assert.Equal(expected, RolloutMath.NewReplicaSetReplicas(Deployment(replicas, surge, unavailable), all, current));
    }

    [Theory]
    // replicas, surge, unavailable, all RS replicas, new RS replicas, new RS available → old replicas that may go
    [InlineData(3, "1", "0", 4, 1, 0, 0)]  // new pod not available yet: nothing goes
    [InlineData(3, "1", "0", 4, 1, 1, 1)]  // new pod available: one old one goes
    [InlineData(4, "1", "1", 5, 1, 0, 1)]  // 5 − 3 − 1 unavailable new
    [InlineData(4, "1", "1", 4, 0, 0, 1)]
    [InlineData(4, "1", "1", 5, 2, 0, 0)]  // two new pods not available yet: nothing goes
    [InlineData(10, "25%", "25%", 13, 3, 0, 2)]
    [InlineData(10, "25%", "25%", 13, 3, 3, 5)]
    public void Old_replicas_scale_down_never_below_min_available(int replicas, string surge, string unavailable, int all, int newReplicas, int newAvailable, int expected)
    {
        Assert.Equal(expected, Math.Max(0, RolloutMath.MaxScaledDown(Deployment(replicas, surge, unavailable), all, newReplicas, newAvailable)));
    }

    private static readonly DateTimeOffset Now = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);

    private static V1Pod Pod(string name, string phase = "Running", bool ready = true, TimeSpan? readyFor = null, TimeSpan? age = null, int restarts = 0, string? cost = null) => new()
    {
        Metadata = new V1ObjectMeta
        {
            Name = name,
            Uid = name,
            CreationTimestamp = (Now - (age ?? TimeSpan.FromHours(1))).UtcDateTime,
            Annotations = cost is null ? null : new Dictionary<string, string> { [PodDeletionOrder.DeletionCostAnnotation] = cost },
        },
        Spec = new V1PodSpec { NodeName = "host" },
        Status = new V1PodStatus
        {
            Phase = phase,
            Conditions = [new V1PodCondition { Type = "Ready", Status = ready ? "True" : "False", LastTransitionTime = (Now - (readyFor ?? TimeSpan.FromHours(1))).UtcDateTime }],
            ContainerStatuses = [new V1ContainerStatus { Name = "c", RestartCount = restarts }],
        },
    };

    public static TheoryData<string, V1Pod, V1Pod> DeletedFirst => new()
    {
        { "pending before running", Pod("a", phase: "Pending", ready: false), Pod("b") },
        { "unknown before running", Pod("a", phase: "Unknown"), Pod("b") },
        { "not ready before ready", Pod("a", ready: false), Pod("b") },
        { "not ready before ready even if older", Pod("a", ready: false, age: TimeSpan.FromDays(9)), Pod("b", age: TimeSpan.FromMinutes(1)) },
        { "lower deletion cost first", Pod("a", cost: "-5"), Pod("b") },
        { "deletion cost beats ready time", Pod("a", cost: "1", readyFor: TimeSpan.FromDays(3)), Pod("b", cost: "2", readyFor: TimeSpan.FromSeconds(3)) },
        { "ready for a shorter time first", Pod("a", readyFor: TimeSpan.FromMinutes(1)), Pod("b", readyFor: TimeSpan.FromHours(2)) },
        { "more restarts first", Pod("a", restarts: 4), Pod("b", restarts: 1) },
        { "newer first", Pod("a", age: TimeSpan.FromMinutes(1)), Pod("b", age: TimeSpan.FromHours(5)) },
    };

    [Theory]
    [MemberData(nameof(DeletedFirst))]
    public void Scale_down_deletes_in_upstream_order(string why, V1Pod first, V1Pod second)
    {
        Assert.True(new PodDeletionOrder(Now).Compare(first, second) < 0, why);
        Assert.True(new PodDeletionOrder(Now).Compare(second, first) > 0, why);
        Assert.Equal([first.Metadata.Name], PodDeletionOrder.ToDelete([second, first], 1, Now).Select(p => p.Metadata.Name));
    }

    [Fact]
    public void Ready_times_in_the_same_log2_bucket_tie_and_fall_through_to_uid()
    {
        // 70 s and 100 s ready are both in the 2^36 ns bucket (~68.7 s to ~137 s): equal rank, broken by UID.
        var a = Pod("a", readyFor: TimeSpan.FromSeconds(100));
        var b = Pod("b", readyFor: TimeSpan.FromSeconds(70));
        Assert.True(new PodDeletionOrder(Now).Compare(a, b) < 0);
    }
}

using k8s.Models;
using MiniKube.Sup.Daemon.Hosting.Systemd;

namespace MiniKube.Sup.Tests.Daemon.Hosting.Systemd;

public sealed class PodCountsTests
{
    [Fact]
    public void Counts_are_said_ready_first_then_only_the_states_some_pod_is_in()
    {
        var pods = Enumerable.Range(0, 10).Select(_ => Pod("Running", ready: true))
            .Append(Pod("Pending")).Append(Pod("Failed"));
        Assert.Equal("12 pods: 10 ready, 1 pending, 1 failed", PodCounts.Of(pods).ToString());
    }

    [Fact]
    public void Every_state_has_its_words()
    {
        V1Pod[] pods = [Pod("Running", ready: true), Pod("Running"), Pod(null), Pod("Succeeded"), Pod("Failed"), Pod("Running", ready: true, deleting: true)];
        Assert.Equal("6 pods: 1 ready, 1 not ready, 1 pending, 1 terminating, 1 succeeded, 1 failed", PodCounts.Of(pods).ToString());
    }

    [Fact]
    public void One_pod_is_singular_and_none_is_said_too()
    {
        Assert.Equal("1 pod: 0 ready, 1 not ready", PodCounts.Of([Pod("Running")]).ToString());
        Assert.Equal("0 pods: 0 ready", PodCounts.Of([]).ToString());
    }

    [Fact]
    public void All_ready_waits_for_every_pod_but_those_of_Jobs_and_those_done_or_going()
    {
        Assert.True(AllReady.IsWaitedFor(Pod("Running")));
        Assert.True(AllReady.IsWaitedFor(Pod("Failed")));
        Assert.False(AllReady.IsWaitedFor(Pod("Succeeded")));
        Assert.False(AllReady.IsWaitedFor(Pod("Running", deleting: true)));
        var jobs = Pod("Running");
        jobs.Metadata.OwnerReferences = [new V1OwnerReference { Kind = "Job", Name = "j", ApiVersion = "batch/v1", Uid = "u" }];
        Assert.False(AllReady.IsWaitedFor(jobs));
    }

    internal static V1Pod Pod(string? phase, bool ready = false, bool deleting = false) => new()
    {
        Metadata = new V1ObjectMeta { Name = "p", DeletionTimestamp = deleting ? DateTime.UtcNow : null },
        Status = phase is null ? null : new V1PodStatus
        {
            Phase = phase,
            Conditions = [new V1PodCondition { Type = "Ready", Status = ready ? "True" : "False" }],
        },
    };
}

using k8s.Models;
using MiniKube.Sup.Pods;

namespace MiniKube.Sup.Tests.Pods;

public class PodPhasesTests
{
    private static V1ContainerStatus Running() => new() { Name = "c", State = new V1ContainerState { Running = new V1ContainerStateRunning() } };
    private static V1ContainerStatus Exited(int code) => new() { Name = "c", State = new V1ContainerState { Terminated = new V1ContainerStateTerminated { ExitCode = code } } };
    private static V1ContainerStatus Waiting(bool restarted) => new()
    {
        Name = "c",
        State = new V1ContainerState { Waiting = new V1ContainerStateWaiting { Reason = "CrashLoopBackOff" } },
        LastState = restarted ? new V1ContainerState { Terminated = new V1ContainerStateTerminated { ExitCode = 1 } } : null,
    };

    public static TheoryData<string, V1ContainerStatus[], string> Cases => new()
    {
        { "Always", [Running()], "Running" },
        { "Always", [Waiting(false)], "Pending" },
        { "Always", [Exited(0)], "Running" },
        { "Always", [Waiting(true)], "Running" },
        { "OnFailure", [Exited(0)], "Succeeded" },
        { "OnFailure", [Exited(1)], "Running" },
        { "OnFailure", [Waiting(true)], "Running" },
        { "OnFailure", [Exited(0), Running()], "Running" },
        { "Never", [Exited(0)], "Succeeded" },
        { "Never", [Exited(0), Exited(2)], "Failed" },
        { "Never", [Exited(0), Running()], "Running" },
        { "Never", [Running(), Waiting(false)], "Pending" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Phase_follows_kubelet_getPhase(string policy, V1ContainerStatus[] statuses, string expected) =>
        Assert.Equal(expected, PodPhases.Compute(policy, statuses, initialized: true, initFailedNoRestart: false));

    [Fact]
    public void Pod_is_pending_until_init_containers_are_done() =>
        Assert.Equal("Pending", PodPhases.Compute("Always", [Waiting(false)], initialized: false, initFailedNoRestart: false));

    [Fact]
    public void Failed_init_container_under_Never_fails_the_pod() =>
        Assert.Equal("Failed", PodPhases.Compute("Never", [Waiting(false)], initialized: false, initFailedNoRestart: true));

    [Fact]
    public void Ready_condition_is_false_with_ContainersNotReady_when_a_container_is_not_ready()
    {
        var t = DateTime.UtcNow;
        var conditions = PodPhases.Conditions("Running", true, [new V1ContainerStatus { Name = "a", Ready = true }, new V1ContainerStatus { Name = "b", Ready = false }], t, null, t);
        var ready = conditions.Single(c => c.Type == "Ready");
        Assert.Equal("False", ready.Status);
        Assert.Equal("ContainersNotReady", ready.Reason);
        Assert.Contains("b", ready.Message);
    }

    [Fact]
    public void Terminal_phase_gives_PodCompleted_reason()
    {
        var t = DateTime.UtcNow;
        var conditions = PodPhases.Conditions("Succeeded", true, [new V1ContainerStatus { Name = "a", Ready = false }], t, null, t);
        Assert.Equal("PodCompleted", conditions.Single(c => c.Type == "ContainersReady").Reason);
    }
}

using k8s.Models;
using MiniKube.Sup.Pods;

namespace MiniKube.Sup.Tests.Pods;

/// <summary>The pod status as a pure function of what the worker knows (k8s generateAPIPodStatus).</summary>
public class PodStatusBuilderTests
{
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Now = Start.AddSeconds(30);

    private static PodProgress Progress(string restartPolicy = "Always", bool initialized = true) =>
        new(restartPolicy, Start, "127.0.1.5", initialized);

    private static ContainerSnapshot Creating(string name, ContainerKind kind = ContainerKind.Regular, V1Container? spec = null) =>
        new(spec ?? new V1Container { Name = name }, kind, null, 0, new V1ContainerStateWaiting { Reason = "ContainerCreating" }, null, null, null);

    private static ContainerSnapshot Running(string name, ContainerKind kind = ContainerKind.Regular, V1Container? spec = null, int pid = 4242) =>
        new(spec ?? new V1Container { Name = name }, kind, pid, 0, null, Start.AddSeconds(1), null, null);

    private static V1ContainerStateTerminated Exit(int code, string reason) =>
        new() { ExitCode = code, Reason = reason, StartedAt = Start.UtcDateTime, FinishedAt = Start.AddSeconds(5).UtcDateTime };

    private static ContainerSnapshot Exited(string name, int code, ContainerKind kind = ContainerKind.Regular) =>
        new(new V1Container { Name = name }, kind, null, 0, null, null, Exit(code, code == 0 ? "Completed" : "Error"), null, InitDone: kind == ContainerKind.Init && code == 0);

    private static V1PodStatus Build(PodProgress progress, ContainerSnapshot[] containers, ContainerSnapshot[]? init = null,
        IReadOnlyList<V1PodCondition>? previous = null, DateTimeOffset? now = null) =>
        PodStatusBuilder.Build(progress, init ?? [], containers, previous, now ?? Now);

    private static V1PodCondition Condition(V1PodStatus status, string type) => status.Conditions.Single(c => c.Type == type);

    [Fact]
    public void A_pod_whose_containers_are_being_created_is_Pending_scheduled_and_not_ready()
    {
        var status = Build(Progress(), [Creating("app")]);
        Assert.Equal("Pending", status.Phase);
        Assert.Equal("ContainerCreating", status.ContainerStatuses[0].State.Waiting.Reason);
        Assert.Null(status.ContainerStatuses[0].ContainerID);
        Assert.Equal("True", Condition(status, "PodScheduled").Status);
        Assert.Equal(Start.UtcDateTime, Condition(status, "PodScheduled").LastTransitionTime);
        Assert.Equal("True", Condition(status, "Initialized").Status);
        Assert.Equal("False", Condition(status, "Ready").Status);
        Assert.Equal("ContainersNotReady", Condition(status, "ContainersReady").Reason);
        Assert.Equal("containers with unready status: [app]", Condition(status, "Ready").Message);
    }

    [Fact]
    public void A_running_container_without_probes_is_started_and_ready_and_so_is_the_pod()
    {
        var status = Build(Progress(), [Running("app")]);
        Assert.Equal("Running", status.Phase);
        var app = status.ContainerStatuses[0];
        Assert.Equal(Start.AddSeconds(1).UtcDateTime, app.State.Running.StartedAt);
        Assert.Equal("sup://4242", app.ContainerID);
        Assert.True(app.Started);
        Assert.True(app.Ready);
        Assert.Equal("True", Condition(status, "Ready").Status);
        Assert.Equal("True", Condition(status, "ContainersReady").Status);
    }

    [Fact]
    public void A_container_is_ready_only_once_its_readiness_probe_succeeded_and_started_only_after_postStart_and_startup_probe()
    {
        var spec = new V1Container { Name = "app", ReadinessProbe = new V1Probe(), StartupProbe = new V1Probe() };
        var running = Running("app", spec: spec);
        Assert.False(Build(Progress(), [running]).ContainerStatuses[0].Started);
        var started = running with { StartupSucceeded = true };
        Assert.True(Build(Progress(), [started]).ContainerStatuses[0].Started);
        Assert.False(Build(Progress(), [started]).ContainerStatuses[0].Ready);
        Assert.False(Build(Progress(), [started with { PostStartDone = false, ReadinessSucceeded = true }]).ContainerStatuses[0].Started);
        var ready = Build(Progress(), [started with { ReadinessSucceeded = true }]);
        Assert.True(ready.ContainerStatuses[0].Ready);
        Assert.Equal("True", Condition(ready, "Ready").Status);
    }

    [Fact]
    public void A_crash_looping_container_shows_its_back_off_its_restart_count_and_its_last_termination()
    {
        var waiting = new ContainerSnapshot(new V1Container { Name = "app" }, ContainerKind.Regular, null, 3,
            new V1ContainerStateWaiting { Reason = "CrashLoopBackOff", Message = "back-off 40s" }, null, null, Exit(2, "Error"));
        var status = Build(Progress(), [waiting]);
        var app = status.ContainerStatuses[0];
        Assert.Equal(3, app.RestartCount);
        Assert.Equal("CrashLoopBackOff", app.State.Waiting.Reason);
        Assert.Null(app.State.Running);
        Assert.Equal(2, app.LastState.Terminated.ExitCode);
        Assert.Equal("Running", status.Phase); // k8s: a container that ran and waits to restart keeps the pod Running
    }

    [Theory]
    [InlineData("Never", 0, "Succeeded", "PodCompleted")]
    [InlineData("Never", 1, "Failed", "PodFailed")]
    [InlineData("OnFailure", 0, "Succeeded", "PodCompleted")]
    public void Terminated_containers_end_the_pod_by_restart_policy_and_exit_code(string policy, int code, string phase, string readyReason)
    {
        var status = Build(Progress(policy), [Exited("app", code)]);
        Assert.Equal(phase, status.Phase);
        Assert.Equal(code == 0 ? "Completed" : "Error", status.ContainerStatuses[0].State.Terminated.Reason);
        Assert.Equal(readyReason, Condition(status, "Ready").Reason);
    }

    [Fact]
    public void A_pod_whose_init_containers_run_is_Pending_not_initialized_and_its_containers_PodInitializing()
    {
        var regular = new ContainerSnapshot(new V1Container { Name = "app" }, ContainerKind.Regular, null, 0,
            new V1ContainerStateWaiting { Reason = "PodInitializing" }, null, null, null);
        var status = Build(Progress(initialized: false), [regular], [Exited("migrate", 0, ContainerKind.Init), Running("seed", ContainerKind.Init)]);
        Assert.Equal("Pending", status.Phase);
        Assert.Equal("False", Condition(status, "Initialized").Status);
        Assert.Equal("ContainersNotInitialized", Condition(status, "Initialized").Reason);
        Assert.Equal("PodInitializing", status.ContainerStatuses[0].State.Waiting.Reason);
        Assert.True(status.InitContainerStatuses[0].Ready); // exited 0: done
        Assert.False(status.InitContainerStatuses[1].Ready); // running: not done yet
    }

    [Fact]
    public void A_sidecar_counts_towards_the_pods_readiness_and_a_completed_init_container_does_not()
    {
        var sidecar = Running("proxy", ContainerKind.Sidecar, new V1Container { Name = "proxy", ReadinessProbe = new V1Probe() });
        var init = new[] { Exited("migrate", 0, ContainerKind.Init), sidecar };
        var notReady = Build(Progress(), [Running("app")], init);
        Assert.Equal("containers with unready status: [proxy]", Condition(notReady, "Ready").Message);
        var ready = Build(Progress(), [Running("app")], [init[0], sidecar with { ReadinessSucceeded = true }]);
        Assert.Equal("True", Condition(ready, "Ready").Status);
    }

    [Fact]
    public void A_condition_keeps_its_transition_time_until_its_status_changes()
    {
        var first = Build(Progress(), [Creating("app")], now: Start.AddSeconds(1));
        var still = Build(Progress(), [Creating("app")], previous: first.Conditions.ToList(), now: Start.AddSeconds(2));
        Assert.Equal(Start.AddSeconds(1).UtcDateTime, Condition(still, "Ready").LastTransitionTime);
        var ready = Build(Progress(), [Running("app")], previous: still.Conditions.ToList(), now: Start.AddSeconds(3));
        Assert.Equal(Start.AddSeconds(3).UtcDateTime, Condition(ready, "Ready").LastTransitionTime);
    }

    [Fact]
    public void A_terminal_phase_decided_by_the_worker_wins_with_its_reason_and_message()
    {
        var progress = Progress() with { TerminalPhase = "Failed", Reason = "DeadlineExceeded", Message = "Pod was active on the node longer than the specified deadline" };
        var status = Build(progress, [Running("app")]);
        Assert.Equal("Failed", status.Phase);
        Assert.Equal("DeadlineExceeded", status.Reason);
        Assert.Equal("Pod was active on the node longer than the specified deadline", status.Message);
        Assert.Equal("PodFailed", Condition(status, "Ready").Reason);
    }

    [Fact]
    public void The_pod_reports_its_own_IP_the_hosts_its_start_time_and_BestEffort()
    {
        var status = Build(Progress(), [Running("app")]);
        Assert.Equal("127.0.1.5", status.PodIP);
        Assert.Equal("127.0.1.5", Assert.Single(status.PodIPs).Ip);
        Assert.Equal("127.0.0.1", status.HostIP);
        Assert.Equal(Start.UtcDateTime, status.StartTime);
        Assert.Equal("BestEffort", status.QosClass);
        Assert.Null(status.InitContainerStatuses);
    }
}

using k8s.Models;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using MiniKube.Sup.Events;
using MiniKube.Sup.Pods;
using MiniKube.Sup.Probes;
using MiniKube.Sup.Tests.Probes;
using MiniKube.Sup.Tests.Events;
using MiniKube.Sup.Processes;
using static MiniKube.Sup.Testing.Poll;

namespace MiniKube.Sup.Tests.Pods;

/// <summary>Probes, lifecycle hooks and activeDeadlineSeconds as the pod worker applies them: a fake clock, a
/// fake runtime and scripted probe results.</summary>
public sealed class PodWorkerHealthTests : IDisposable
{
    private static readonly ProbeOutcome Fail = ProbeOutcome.Failure("boom");

    private readonly FakeTimeProvider _time = TestClock.Create();
    private readonly FakeContainerRuntime _runtime = new();
    private readonly ScriptedProber _prober = new();
    private readonly EventLog _events = new();
    private readonly TempDirectory _stateDir = new("sup-health-");
    private PodWorker? _worker;

    public void Dispose()
    {
        _worker?.StopAsync(TimeSpan.Zero);
        _time.Advance(TimeSpan.FromMinutes(10));
        _worker?.Finished.Wait(TimeSpan.FromSeconds(5));
        _stateDir.Dispose();
    }

    private static V1Probe Probe(int failureThreshold = 1, long? grace = null, int period = 1) => new()
    {
        Exec = new V1ExecAction { Command = ["check"] },
        PeriodSeconds = period,
        TimeoutSeconds = 1,
        SuccessThreshold = 1,
        FailureThreshold = failureThreshold,
        InitialDelaySeconds = 0,
        TerminationGracePeriodSeconds = grace,
    };

    private static V1Container App(string name = "app") => new() { Name = name, Command = ["/bin/app"] };

    private PodWorker StartPod(string restartPolicy, long grace = 30, long? activeDeadline = null, params V1Container[] containers)
    {
        var pod = new V1Pod
        {
            Metadata = new V1ObjectMeta { Name = "p", Uid = "uid-1" },
            Spec = new V1PodSpec
            {
                RestartPolicy = restartPolicy,
                TerminationGracePeriodSeconds = grace,
                ActiveDeadlineSeconds = activeDeadline,
                Containers = containers,
            },
        };
        var context = new PodWorkerContext(_runtime, _time, _events, new StatePaths(_stateDir.Path), BackoffPolicy.Kubernetes,
            new Dictionary<string, string>(), NullLogger.Instance) { Prober = _prober };
        _worker = new PodWorker(pod, context);
        _worker.Start();
        return _worker;
    }

    private static V1ContainerStatus Status(PodWorker w, string name = "app") =>
        w.Snapshot.Status?.ContainerStatuses?.FirstOrDefault(s => s.Name == name) ?? new V1ContainerStatus { Name = name };

    private static V1PodCondition Condition(PodWorker w, string type) => w.Snapshot.Status.Conditions.Single(c => c.Type == type);

    private bool HasEvent(string reason, string message) => _events.Snapshot().Any(e => e.Reason == reason && e.Message == message);

    [Fact]
    public async Task Liveness_failure_kills_the_container_and_restarts_it_with_events()
    {
        _prober.Then("app", ProbePurpose.Liveness, Fail);
        var app = App();
        app.LivenessProbe = Probe();
        var worker = StartPod("Always", containers: app);
        await Until(() => _runtime.Of("app").Count == 2 && Status(worker).ContainerID == $"sup://{_runtime.Of("app")[1].Pid}", "restart");
        Assert.Equal([Native.SIGTERM], _runtime.Of("app")[0].Signals.ToArray());
        var status = Status(worker);
        Assert.Equal(1, status.RestartCount);
        Assert.Equal(143, status.LastState.Terminated.ExitCode);
        Assert.Equal("Error", status.LastState.Terminated.Reason);
        Assert.True(HasEvent("Unhealthy", "Liveness probe failed: boom"));
        Assert.True(HasEvent("Killing", "Container app failed liveness probe, will be restarted"));
        Assert.Equal(SupEvent.Warning, _events.Snapshot().First(e => e.Reason == "Unhealthy").Type);
        Assert.Equal("spec.containers{app}", _events.Snapshot().First(e => e.Reason == "Killing").FieldPath);
    }

    [Fact]
    public async Task Liveness_kill_restarts_under_OnFailure_even_after_a_clean_exit()
    {
        _runtime.ExitCodeOnSigterm = 0;
        _prober.Then("app", ProbePurpose.Liveness, Fail);
        var app = App();
        app.LivenessProbe = Probe();
        var worker = StartPod("OnFailure", containers: app);
        await Until(() => _runtime.Of("app").Count == 2, "restart");
        await Until(() => Status(worker).RestartCount == 1, "restart count");
        Assert.Equal(0, Status(worker).LastState.Terminated.ExitCode);
    }

    [Fact]
    public async Task Liveness_kill_under_Never_leaves_the_container_terminated_and_fails_the_pod()
    {
        _prober.Then("app", ProbePurpose.Liveness, Fail);
        var app = App();
        app.LivenessProbe = Probe();
        var worker = StartPod("Never", containers: app);
        await worker.Finished.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Single(_runtime.Of("app"));
        Assert.Equal("Failed", worker.Snapshot.Status.Phase);
        Assert.True(HasEvent("Killing", "Container app failed liveness probe"));
    }

    [Fact]
    public async Task Liveness_kill_uses_the_probe_grace_period_over_the_pod_one()
    {
        _runtime.ExitOnSigterm = false;
        _prober.Then("app", ProbePurpose.Liveness, Fail);
        var app = App();
        app.LivenessProbe = Probe(grace: 5);
        StartPod("Always", grace: 60, containers: app);
        var first = await FirstInstance();
        await Until(() => first.Signals.Contains(Native.SIGTERM), "SIGTERM");
        await Task.Delay(30); // let the stop arm its grace timer on the fake clock
        _time.Advance(TimeSpan.FromSeconds(4.9));
        await Task.Delay(30);
        Assert.DoesNotContain(Native.SIGKILL, first.Signals);
        await _time.AdvanceUntil(() => first.Signals.Contains(Native.SIGKILL), "SIGKILL after the probe's 5 s", TimeSpan.FromSeconds(0.1));
        await Until(() => _runtime.Of("app").Count == 2, "restart");
    }

    private async Task<FakeContainerRuntime.FakeInstance> FirstInstance()
    {
        await Until(() => _runtime.Of("app").Count >= 1, "start");
        return _runtime.Of("app")[0];
    }

    [Fact]
    public async Task Repeated_liveness_kills_go_into_CrashLoopBackOff()
    {
        _prober.Always("app", ProbePurpose.Liveness, Fail);
        var app = App();
        app.LivenessProbe = Probe();
        var worker = StartPod("Always", containers: app);
        await Until(() => _runtime.Of("app").Count == 2, "first restart at once");
        await Until(() => Status(worker).State?.Waiting?.Reason == "CrashLoopBackOff", "back-off after the second kill");
        Assert.Equal(2, _runtime.Of("app").Count);
    }

    [Fact]
    public async Task Startup_probe_gates_liveness_and_readiness_and_started()
    {
        _prober.Then("app", ProbePurpose.Startup, Fail, Fail);
        var app = App();
        app.StartupProbe = Probe(failureThreshold: 10);
        app.LivenessProbe = Probe();
        app.ReadinessProbe = Probe();
        var worker = StartPod("Always", containers: app);
        await Until(() => _prober.Count("app", ProbePurpose.Startup) == 1, "first startup probe");
        await Task.Delay(20);
        Assert.False(Status(worker).Started);
        Assert.False(Status(worker).Ready);
        _time.Advance(TimeSpan.FromSeconds(1));
        await Until(() => _prober.Count("app", ProbePurpose.Startup) == 2, "second startup probe");
        await Task.Delay(20);
        Assert.Equal(0, _prober.Count("app", ProbePurpose.Liveness));
        Assert.Equal(0, _prober.Count("app", ProbePurpose.Readiness));
        _time.Advance(TimeSpan.FromSeconds(1));
        await Until(() => Status(worker).Started == true, "started after the startup probe passed");
        await Until(() => Status(worker).Ready, "ready: readiness probed at once");
        _time.Advance(TimeSpan.FromSeconds(1));
        await Until(() => _prober.Count("app", ProbePurpose.Liveness) >= 1, "liveness runs once started");
        Assert.Equal(3, _prober.Count("app", ProbePurpose.Startup));
        Assert.Single(_runtime.Of("app"));
    }

    [Fact]
    public async Task Startup_probe_failure_kills_and_restarts()
    {
        _prober.Then("app", ProbePurpose.Startup, Fail, Fail);
        var app = App();
        app.StartupProbe = Probe(failureThreshold: 2);
        var worker = StartPod("Always", containers: app);
        await Until(() => _prober.Count("app", ProbePurpose.Startup) == 1, "first startup probe");
        await Task.Delay(20);
        _time.Advance(TimeSpan.FromSeconds(1));
        await Until(() => _runtime.Of("app").Count == 2, "restart");
        Assert.True(HasEvent("Killing", "Container app failed startup probe, will be restarted"));
        Assert.True(HasEvent("Unhealthy", "Startup probe failed: boom"));
        await Until(() => Status(worker).Started == true, "the new instance's startup probe passed");
    }

    [Fact]
    public async Task Readiness_failure_makes_the_pod_unready_without_a_restart()
    {
        _prober.Then("app", ProbePurpose.Readiness, ProbeOutcome.Success(), Fail);
        var app = App();
        app.ReadinessProbe = Probe();
        var worker = StartPod("Always", containers: app);
        await Until(() => Status(worker).Ready, "ready");
        Assert.Equal("True", Condition(worker, "Ready").Status);
        Assert.Equal("True", Condition(worker, "ContainersReady").Status);
        await Task.Delay(20);
        _time.Advance(TimeSpan.FromSeconds(1));
        await Until(() => !Status(worker).Ready, "unready");
        var ready = Condition(worker, "Ready");
        Assert.Equal(("False", "ContainersNotReady", "containers with unready status: [app]"), (ready.Status, ready.Reason, ready.Message));
        Assert.Equal("False", Condition(worker, "ContainersReady").Status);
        Assert.Equal(_time.GetUtcNow().UtcDateTime, ready.LastTransitionTime);
        Assert.True(Status(worker).Started);
        Assert.Equal("Running", worker.Snapshot.Status.Phase);
        Assert.Single(_runtime.Of("app"));
        Assert.True(HasEvent("Unhealthy", "Readiness probe failed: boom"));
        Assert.DoesNotContain(_events.Snapshot(), e => e.Reason == "Killing");
    }

    [Fact]
    public async Task A_container_without_readiness_probe_is_ready_once_started_and_one_with_it_is_not_until_it_passes()
    {
        var gated = App("gated");
        gated.ReadinessProbe = Probe();
        var blocked = _prober.Block("gated", ProbePurpose.Readiness);
        var worker = StartPod("Always", containers: [App("plain"), gated]);
        await Until(() => Status(worker, "plain").Ready, "plain ready");
        Assert.False(Status(worker, "gated").Ready);
        Assert.True(Status(worker, "gated").Started);
        Assert.Equal("containers with unready status: [gated]", Condition(worker, "Ready").Message);
        blocked.SetResult(ProbeOutcome.Success());
        await Until(() => Status(worker, "gated").Ready, "gated ready");
        Assert.Equal("True", Condition(worker, "Ready").Status);
    }

    [Fact]
    public async Task PostStart_runs_before_the_container_counts_as_started()
    {
        var hook = _prober.Block("app", ProbePurpose.PostStart);
        var app = App();
        app.Lifecycle = new V1Lifecycle { PostStart = new V1LifecycleHandler { Exec = new V1ExecAction { Command = ["setup"] } } };
        var worker = StartPod("Always", containers: app);
        await Until(() => _prober.Count("app", ProbePurpose.PostStart) == 1, "postStart running");
        await Task.Delay(20);
        var status = Status(worker);
        Assert.NotNull(status.State.Running);
        Assert.False(status.Started);
        Assert.False(status.Ready);
        hook.SetResult(ProbeOutcome.Success());
        await Until(() => Status(worker).Started == true && Status(worker).Ready, "started after postStart");
    }

    [Fact]
    public async Task Failed_postStart_hook_kills_and_restarts_the_container()
    {
        _prober.Then("app", ProbePurpose.PostStart, ProbeOutcome.Failure("command 'setup' exited with 1: "));
        var app = App();
        app.Lifecycle = new V1Lifecycle { PostStart = new V1LifecycleHandler { Exec = new V1ExecAction { Command = ["setup"] } } };
        var worker = StartPod("Always", containers: app);
        await Until(() => _runtime.Of("app").Count == 2, "restart");
        Assert.True(HasEvent("FailedPostStartHook",
            "Exec lifecycle hook ([setup]) for Container \"app\" in Pod \"p_default(uid-1)\" failed - error: command 'setup' exited with 1: "));
        Assert.True(HasEvent("Killing", "FailedPostStartHook"));
        await Until(() => Status(worker).Started == true && Status(worker).RestartCount == 1, "second instance started");
    }

    [Fact]
    public async Task PreStop_runs_before_SIGTERM_and_its_time_counts_against_the_grace_period()
    {
        _runtime.ExitOnSigterm = false;
        var hook = _prober.Block("app", ProbePurpose.PreStop);
        var app = App();
        app.Lifecycle = new V1Lifecycle { PreStop = new V1LifecycleHandler { Exec = new V1ExecAction { Command = ["drain"] } } };
        var worker = StartPod("Always", grace: 10, containers: app);
        var first = await FirstInstance();
        await Until(() => Status(worker).State?.Running is not null, "running");
        var stopped = worker.StopAsync();
        await Until(() => _prober.Count("app", ProbePurpose.PreStop) == 1, "preStop running");
        _time.Advance(TimeSpan.FromSeconds(4));
        await Task.Delay(30);
        Assert.Empty(first.Signals); // no SIGTERM while preStop runs
        hook.SetResult(ProbeOutcome.Success());
        await Until(() => first.Signals.Contains(Native.SIGTERM), "SIGTERM after preStop");
        await Task.Delay(30); // let the stop arm its grace timer on the fake clock
        _time.Advance(TimeSpan.FromSeconds(5.9));
        await Task.Delay(30);
        Assert.DoesNotContain(Native.SIGKILL, first.Signals);
        // 4 s of preStop + 6 s after SIGTERM = the 10 s grace period
        await _time.AdvanceUntil(() => stopped.IsCompleted, "the stop to end", TimeSpan.FromSeconds(0.1));
        Assert.Equal([Native.SIGTERM, Native.SIGKILL], first.Signals.ToArray());
    }

    [Fact]
    public async Task PreStop_still_running_at_the_deadline_is_abandoned_and_the_container_gets_two_more_seconds()
    {
        _runtime.ExitOnSigterm = false;
        _prober.Hang("app", ProbePurpose.PreStop);
        var app = App();
        app.Lifecycle = new V1Lifecycle { PreStop = new V1LifecycleHandler { Sleep = new V1SleepAction { Seconds = 100 } } };
        var worker = StartPod("Always", grace: 3, containers: app);
        var first = await FirstInstance();
        await Until(() => Status(worker).State?.Running is not null, "running");
        var stopped = worker.StopAsync();
        await Until(() => _prober.Count("app", ProbePurpose.PreStop) == 1, "preStop running");
        _time.Advance(TimeSpan.FromSeconds(3));
        await Until(() => first.Signals.Contains(Native.SIGTERM), "SIGTERM at the deadline");
        await Until(() => _prober.Log.Any(l => l is ("app", ProbePurpose.PreStop, "cancelled")), "hook abandoned");
        _time.Advance(TimeSpan.FromSeconds(1.9));
        await Task.Delay(30);
        Assert.DoesNotContain(Native.SIGKILL, first.Signals);
        _time.Advance(TimeSpan.FromSeconds(0.1));
        await stopped.WaitAsync(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task Failed_preStop_hook_is_an_event_and_the_container_is_still_stopped()
    {
        _prober.Then("app", ProbePurpose.PreStop, ProbeOutcome.Failure("nope"));
        var app = App();
        app.Lifecycle = new V1Lifecycle { PreStop = new V1LifecycleHandler { HttpGet = new V1HTTPGetAction { Port = 80, Path = "/drain" } } };
        var worker = StartPod("Always", containers: app);
        await Until(() => Status(worker).State?.Running is not null, "running");
        await worker.StopAsync().WaitAsync(TimeSpan.FromSeconds(5));
        Assert.True(HasEvent("FailedPreStopHook", "PreStopHook failed"));
    }

    [Fact]
    public async Task PreStop_does_not_run_when_the_container_exits_by_itself()
    {
        var app = App();
        app.Lifecycle = new V1Lifecycle { PreStop = new V1LifecycleHandler { Exec = new V1ExecAction { Command = ["drain"] } } };
        var worker = StartPod("Always", containers: app);
        var first = await FirstInstance();
        first.Exit(1);
        await Until(() => _runtime.Of("app").Count == 2 && Status(worker).RestartCount == 1, "restart");
        Assert.Equal(0, _prober.Count("app", ProbePurpose.PreStop));
    }

    [Fact]
    public async Task PreStop_runs_before_a_liveness_kill()
    {
        _prober.Then("app", ProbePurpose.Liveness, Fail);
        var app = App();
        app.LivenessProbe = Probe();
        app.Lifecycle = new V1Lifecycle { PreStop = new V1LifecycleHandler { Exec = new V1ExecAction { Command = ["drain"] } } };
        StartPod("Always", containers: app);
        var first = await FirstInstance();
        await Until(() => _runtime.Of("app").Count == 2, "restart");
        Assert.Equal(1, _prober.Count("app", ProbePurpose.PreStop));
        Assert.Equal([Native.SIGTERM], first.Signals.ToArray());
    }

    [Fact]
    public async Task On_deletion_liveness_stops_and_readiness_keeps_probing()
    {
        _runtime.ExitOnSigterm = false;
        _prober.Always("app", ProbePurpose.Liveness, Fail);
        var app = App();
        app.LivenessProbe = Probe(failureThreshold: 100);
        app.ReadinessProbe = Probe();
        var worker = StartPod("Always", grace: 30, containers: app);
        await Until(() => _prober.Count("app", ProbePurpose.Liveness) >= 1 && _prober.Count("app", ProbePurpose.Readiness) >= 1, "probing");
        var stopped = worker.StopAsync();
        await Until(() => _runtime.Of("app")[0].Signals.Contains(Native.SIGTERM), "SIGTERM");
        await Task.Delay(30);
        var liveness = _prober.Count("app", ProbePurpose.Liveness);
        var readiness = _prober.Count("app", ProbePurpose.Readiness);
        for (var i = 0; i < 3; i++)
        {
            _time.Advance(TimeSpan.FromSeconds(1));
            await Until(() => _prober.Count("app", ProbePurpose.Readiness) >= readiness + i + 1, "readiness during termination");
        }
        Assert.Equal(liveness, _prober.Count("app", ProbePurpose.Liveness));
        _time.Advance(TimeSpan.FromSeconds(30));
        await stopped.WaitAsync(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task ActiveDeadlineSeconds_kills_every_container_and_fails_the_pod()
    {
        var worker = StartPod("Always", grace: 5, activeDeadline: 60, containers: [App("a"), App("b")]);
        await Until(() => _runtime.Of("a").Count == 1 && _runtime.Of("b").Count == 1 && worker.Snapshot.Status.Phase == "Running", "running");
        _time.Advance(TimeSpan.FromSeconds(59));
        await Task.Delay(30);
        Assert.Empty(_runtime.Of("a")[0].Signals);
        _time.Advance(TimeSpan.FromSeconds(1));
        await worker.Finished.WaitAsync(TimeSpan.FromSeconds(5));
        var status = worker.Snapshot.Status;
        Assert.Equal(("Failed", "DeadlineExceeded", "Pod was active on the node longer than the specified deadline"), (status.Phase, status.Reason, status.Message));
        Assert.Contains(Native.SIGTERM, _runtime.Of("a")[0].Signals);
        Assert.Contains(Native.SIGTERM, _runtime.Of("b")[0].Signals);
        Assert.Single(_runtime.Of("a"));
        Assert.Equal("PodFailed", Condition(worker, "Ready").Reason);
        Assert.True(HasEvent("DeadlineExceeded", "Pod was active on the node longer than the specified deadline"));
    }

    [Fact]
    public async Task Sidecar_with_a_startup_probe_holds_back_the_next_init_container_until_it_has_started()
    {
        var blocked = _prober.Block("side", ProbePurpose.Startup);
        var side = new V1Container { Name = "side", Command = ["/bin/side"], RestartPolicy = "Always", StartupProbe = Probe(failureThreshold: 10) };
        var pod = new V1Pod
        {
            Metadata = new V1ObjectMeta { Name = "p", Uid = "uid-1" },
            Spec = new V1PodSpec { RestartPolicy = "Always", InitContainers = [side], Containers = [App()] },
        };
        var context = new PodWorkerContext(_runtime, _time, _events, new StatePaths(_stateDir.Path), BackoffPolicy.Kubernetes,
            new Dictionary<string, string>(), NullLogger.Instance) { Prober = _prober };
        _worker = new PodWorker(pod, context);
        _worker.Start();
        await Until(() => _prober.Count("side", ProbePurpose.Startup) == 1, "sidecar startup probe");
        await Task.Delay(30);
        Assert.Empty(_runtime.Of("app"));
        Assert.Equal("False", Condition(_worker, "Initialized").Status);
        blocked.SetResult(ProbeOutcome.Success());
        await Until(() => _runtime.Of("app").Count == 1, "app after the sidecar started");
        await Until(() => Condition(_worker, "Initialized").Status == "True", "initialized");
    }
}

using k8s.Models;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using MiniKube.Sup.Events;
using MiniKube.Sup.Pods;
using MiniKube.Sup.Runtime;
using MiniKube.Sup.Tests.Events;
using MiniKube.Sup.Processes;
using static MiniKube.Sup.Testing.Poll;

namespace MiniKube.Sup.Tests.Pods;

public sealed class PodWorkerTests : IDisposable
{
    private readonly FakeTimeProvider _time = TestClock.Create();
    private readonly FakeContainerRuntime _runtime = new();
    private readonly EventLog _events = new();
    private readonly TempDirectory _stateDir = new("sup-worker-");

    public void Dispose() => _stateDir.Dispose();

    private PodWorker StartPod(string restartPolicy, params string[] containers) => StartPod(restartPolicy, [], containers);

    private PodWorker StartPod(string restartPolicy, V1Container[] init, string[] containers, long grace = 30)
    {
        var pod = new V1Pod
        {
            Metadata = new V1ObjectMeta { Name = "p", Uid = "uid-1" },
            Spec = new V1PodSpec
            {
                RestartPolicy = restartPolicy,
                TerminationGracePeriodSeconds = grace,
                InitContainers = init.Length == 0 ? null : init,
                Containers = containers.Select(c => new V1Container { Name = c, Command = ["/bin/true"] }).ToList(),
            },
        };
        var context = new PodWorkerContext(_runtime, _time, _events, new StatePaths(_stateDir.Path), BackoffPolicy.Kubernetes,
            new Dictionary<string, string>(), NullLogger.Instance);
        var worker = new PodWorker(pod, context);
        worker.Start();
        return worker;
    }

    private static V1ContainerStatus Status(PodWorker w, string name) =>
        w.Snapshot.Status?.ContainerStatuses?.FirstOrDefault(s => s.Name == name) ?? new V1ContainerStatus { Name = name };

    [Fact]
    public async Task An_asked_restart_restarts_every_running_container_at_once_without_back_off_whatever_the_policy()
    {
        _runtime.ExitOnSigterm = true;
        var worker = StartPod("Never", "app", "side");
        await Until(() => _runtime.Of("app").Count == 1 && _runtime.Of("side").Count == 1 && Status(worker, "side").State?.Running is not null, "started");

        for (var i = 1; i <= 3; i++)
        {
            worker.RestartContainers("saw a watched file change");
            await Until(() => _runtime.Of("app").Count == i + 1 && _runtime.Of("side").Count == i + 1 && Status(worker, "app").State?.Running is not null, $"restart {i} at once");
        }
        Assert.Equal(3, Status(worker, "app").RestartCount);
        Assert.Equal(Native.SIGTERM, _runtime.Of("app")[0].Signals.First());
        Assert.Contains(_events.Snapshot(), e => e.Reason == "Killing" && e.Message == "Container app saw a watched file change, will be restarted");
        Assert.DoesNotContain(_events.Snapshot(), e => e.Reason == "BackOff");
    }

    [Fact]
    public async Task A_container_is_Terminated_only_once_its_output_is_in_its_log()
    {
        var worker = StartPod("Never", "app");
        await Until(() => _runtime.Of("app").Count == 1 && Status(worker, "app").State?.Running is not null, "started");
        var app = _runtime.Of("app")[0];
        app.HoldOutput();

        app.Exit(1);
        await Task.Delay(200);
        Assert.NotNull(Status(worker, "app").State?.Running); // the last lines are still being written to the log
        app.ReleaseOutput();
        await Until(() => Status(worker, "app").State?.Terminated?.ExitCode == 1, "terminated once the output is drained");
    }

    [Fact]
    public async Task Crashed_container_restarts_at_once_then_waits_in_CrashLoopBackOff()
    {
        var worker = StartPod("Always", "app");
        await Until(() => _runtime.Of("app").Count == 1 && Status(worker, "app").State?.Running is not null, "first start");

        _runtime.Of("app")[0].Exit(1);
        await Until(() => _runtime.Of("app").Count == 2 && Status(worker, "app").RestartCount == 1, "immediate restart");
        var status = Status(worker, "app");
        Assert.Equal("Error", status.LastState.Terminated.Reason);
        Assert.Equal(1, status.LastState.Terminated.ExitCode);

        _time.Advance(TimeSpan.FromSeconds(1));
        _runtime.Of("app")[1].Exit(2);
        await Until(() => Status(worker, "app").State?.Waiting?.Reason == "CrashLoopBackOff", "back-off");
        Assert.Contains("back-off 10s restarting failed container=app", Status(worker, "app").State.Waiting.Message);
        Assert.Equal("Running", worker.Snapshot.Status.Phase);
        Assert.Contains(_events.Snapshot(), e => e.Reason == "BackOff" && e.Type == SupEvent.Warning);

        _time.Advance(TimeSpan.FromSeconds(9.9));
        await Task.Delay(50);
        Assert.Equal(2, _runtime.Of("app").Count);
        _time.Advance(TimeSpan.FromSeconds(0.1));
        // The runtime sees the start before the worker publishes the status that counts it.
        await Until(() => _runtime.Of("app").Count == 3 && Status(worker, "app").RestartCount == 2, "restart after 10 s");
        Assert.Equal(2, Status(worker, "app").LastState.Terminated.ExitCode);
    }

    [Fact]
    public async Task Second_backoff_is_twenty_seconds()
    {
        var worker = StartPod("Always", "app");
        await Until(() => _runtime.Of("app").Count == 1, "start");
        _runtime.Of("app")[0].Exit(1);
        await Until(() => _runtime.Of("app").Count == 2, "restart 1");
        _runtime.Of("app")[1].Exit(1);
        await Until(() => Status(worker, "app").State?.Waiting is not null, "back-off 1");
        _time.Advance(TimeSpan.FromSeconds(10));
        await Until(() => _runtime.Of("app").Count == 3, "restart 2");
        _runtime.Of("app")[2].Exit(1);
        await Until(() => Status(worker, "app").State?.Waiting is not null, "back-off 2");
        Assert.Contains("back-off 20s", Status(worker, "app").State.Waiting.Message);
        _time.Advance(TimeSpan.FromSeconds(19));
        await Task.Delay(50);
        Assert.Equal(3, _runtime.Of("app").Count);
        _time.Advance(TimeSpan.FromSeconds(1));
        await Until(() => _runtime.Of("app").Count == 4, "restart 3");
    }

    [Fact]
    public async Task OnFailure_does_not_restart_a_clean_exit_and_the_pod_succeeds()
    {
        var worker = StartPod("OnFailure", "app");
        await Until(() => _runtime.Of("app").Count == 1, "start");
        _runtime.Of("app")[0].Exit(0);
        await worker.Finished.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal("Succeeded", worker.Snapshot.Status.Phase);
        Assert.Equal("Completed", Status(worker, "app").State.Terminated.Reason);
        Assert.Equal(0, Status(worker, "app").RestartCount);
        Assert.Single(_runtime.Of("app"));
    }

    [Fact]
    public async Task OnFailure_restarts_a_failed_exit()
    {
        var worker = StartPod("OnFailure", "app");
        await Until(() => _runtime.Of("app").Count == 1, "start");
        _runtime.Of("app")[0].Exit(3);
        // The new instance is started before the status that shows it is published: wait for both.
        await Until(() => _runtime.Of("app").Count == 2 && Status(worker, "app").ContainerID == $"sup://{_runtime.Of("app")[1].Pid}", "restart");
        Assert.Equal(1, Status(worker, "app").RestartCount);
    }

    [Fact]
    public async Task Never_leaves_a_failed_container_terminated_and_the_pod_fails()
    {
        var worker = StartPod("Never", "app");
        await Until(() => _runtime.Of("app").Count == 1, "start");
        _runtime.Of("app")[0].Exit(7);
        await worker.Finished.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal("Failed", worker.Snapshot.Status.Phase);
        Assert.Equal(7, Status(worker, "app").State.Terminated.ExitCode);
        Assert.Equal("PodFailed", worker.Snapshot.Status.Conditions.Single(c => c.Type == "Ready").Reason);
    }

    [Fact]
    public async Task Always_restarts_even_a_clean_exit()
    {
        var worker = StartPod("Always", "app");
        await Until(() => _runtime.Of("app").Count == 1, "start");
        _runtime.Of("app")[0].Exit(0);
        await Until(() => _runtime.Of("app").Count == 2 && Status(worker, "app").ContainerID == $"sup://{_runtime.Of("app")[1].Pid}", "restart");
        Assert.Equal("Completed", Status(worker, "app").LastState.Terminated.Reason);
    }

    [Fact]
    public async Task Missing_executable_is_a_StartError_with_exit_code_128()
    {
        _runtime.FailToStart.Add("app");
        var worker = StartPod("Never", "app");
        await worker.Finished.WaitAsync(TimeSpan.FromSeconds(5));
        var terminated = Status(worker, "app").State.Terminated;
        Assert.Equal("StartError", terminated.Reason);
        Assert.Equal(128, terminated.ExitCode);
        Assert.Contains("executable file not found", terminated.Message);
        Assert.Equal("Failed", worker.Snapshot.Status.Phase);
    }

    [Fact]
    public async Task Stop_sends_SIGTERM_then_SIGKILL_after_the_grace_period()
    {
        _runtime.ExitOnSigterm = false;
        var worker = StartPod("Always", [], ["app"], grace: 5);
        await Until(() => _runtime.Of("app").Count == 1, "start");
        var stopped = worker.StopAsync();
        var instance = _runtime.Of("app")[0];
        await Until(() => instance.Signals.Contains(Native.SIGTERM), "SIGTERM");
        var sigterm = _time.GetUtcNow();
        await Task.Delay(50); // let the stop arm its grace timer on the fake clock (advancing first flaked in CI)
        _time.Advance(TimeSpan.FromSeconds(4.9));
        await Task.Delay(50);
        Assert.DoesNotContain(Native.SIGKILL, instance.Signals);
        await _time.AdvanceUntil(() => stopped.IsCompleted, "the stop to end", TimeSpan.FromSeconds(0.1));
        Assert.True(_time.GetUtcNow() - sigterm >= TimeSpan.FromSeconds(5), "SIGKILL before the grace period ended");
        Assert.Equal([Native.SIGTERM, Native.SIGKILL], instance.Signals.ToArray());
        Assert.Equal(137, Status(worker, "app").State.Terminated.ExitCode);
        Assert.Single(_runtime.Of("app"));
        Assert.Contains(_events.Snapshot(), e => e.Reason == "Killing");
    }

    [Fact]
    public async Task Grace_period_is_at_least_two_seconds()
    {
        _runtime.ExitOnSigterm = false;
        var worker = StartPod("Always", [], ["app"], grace: 0);
        await Until(() => _runtime.Of("app").Count == 1, "start");
        var stopped = worker.StopAsync();
        var instance = _runtime.Of("app")[0];
        await Until(() => instance.Signals.Contains(Native.SIGTERM), "SIGTERM");
        await Task.Delay(50); // let the stop arm its grace timer on the fake clock
        _time.Advance(TimeSpan.FromSeconds(1.9));
        await Task.Delay(50);
        Assert.DoesNotContain(Native.SIGKILL, instance.Signals);
        await _time.AdvanceUntil(() => stopped.IsCompleted, "the stop to end", TimeSpan.FromSeconds(0.1));
    }

    [Fact]
    public async Task Stop_cancels_a_pending_restart()
    {
        var worker = StartPod("Always", "app");
        await Until(() => _runtime.Of("app").Count == 1, "start");
        _runtime.Of("app")[0].Exit(1);
        await Until(() => _runtime.Of("app").Count == 2, "restart");
        _runtime.Of("app")[1].Exit(1);
        await Until(() => Status(worker, "app").State?.Waiting is not null, "back-off");
        await worker.StopAsync().WaitAsync(TimeSpan.FromSeconds(5));
        _time.Advance(TimeSpan.FromMinutes(10));
        await Task.Delay(50);
        Assert.Equal(2, _runtime.Of("app").Count);
    }

    [Fact]
    public async Task Init_containers_run_in_order_before_the_containers()
    {
        var worker = StartPod("Always",
            [new V1Container { Name = "i1", Command = ["/bin/true"] }, new V1Container { Name = "i2", Command = ["/bin/true"] }],
            ["app"]);
        await Until(() => _runtime.Of("i1").Count == 1, "i1");
        Assert.Empty(_runtime.Of("i2"));
        Assert.Equal("PodInitializing", Status(worker, "app").State.Waiting.Reason);
        Assert.Equal("Pending", worker.Snapshot.Status.Phase);
        _runtime.Of("i1")[0].Exit(0);
        await Until(() => _runtime.Of("i2").Count == 1, "i2");
        Assert.Empty(_runtime.Of("app"));
        _runtime.Of("i2")[0].Exit(0);
        await Until(() => _runtime.Of("app").Count == 1 && worker.Snapshot.Status.Phase == "Running", "app");
        Assert.Equal("True", worker.Snapshot.Status.Conditions.Single(c => c.Type == "Initialized").Status);
    }

    [Fact]
    public async Task Failed_init_container_under_Never_fails_the_pod_without_starting_containers()
    {
        var worker = StartPod("Never", [new V1Container { Name = "i1", Command = ["/bin/false"] }], ["app"]);
        await Until(() => _runtime.Of("i1").Count == 1, "i1");
        _runtime.Of("i1")[0].Exit(1);
        await worker.Finished.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal("Failed", worker.Snapshot.Status.Phase);
        Assert.Empty(_runtime.Of("app"));
    }

    [Fact]
    public async Task Sidecar_starts_before_the_next_init_container_and_stops_after_the_containers()
    {
        var worker = StartPod("Never",
            [new V1Container { Name = "side", Command = ["/bin/true"], RestartPolicy = "Always" }, new V1Container { Name = "i1", Command = ["/bin/true"] }],
            ["app"]);
        await Until(() => _runtime.Of("side").Count == 1 && _runtime.Of("i1").Count == 1, "sidecar and init");
        _runtime.Of("i1")[0].Exit(0);
        await Until(() => _runtime.Of("app").Count == 1, "app");
        _runtime.Of("app")[0].Exit(0);
        await worker.Finished.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal("Succeeded", worker.Snapshot.Status.Phase);
        Assert.Contains(Native.SIGTERM, _runtime.Of("side")[0].Signals);
    }
}

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

/// <summary>Job steps that hang: the step timeout annotations, as the pod worker applies them (fake clock, fake runtime).</summary>
public sealed class PodWorkerStepTimeoutTests : IDisposable
{
    private readonly FakeTimeProvider _time = TestClock.Create();
    private readonly FakeContainerRuntime _runtime = new();
    private readonly EventLog _events = new();
    private readonly TempDirectory _stateDir = new("sup-steps-");
    private PodWorker? _worker;

    public void Dispose()
    {
        _worker?.StopAsync(TimeSpan.Zero);
        _time.Advance(TimeSpan.FromMinutes(10));
        _worker?.Finished.Wait(TimeSpan.FromSeconds(5));
        _stateDir.Dispose();
    }

    private PodWorker StartJobPod(string restartPolicy, Dictionary<string, string> annotations)
    {
        var pod = new V1Pod
        {
            Metadata = new V1ObjectMeta
            {
                Name = "etl-abcde",
                Uid = "uid-1",
                Annotations = annotations,
                OwnerReferences = [new V1OwnerReference { Kind = "Job", Name = "etl", Uid = "job-uid", Controller = true, ApiVersion = "batch/v1" }],
            },
            Spec = new V1PodSpec
            {
                RestartPolicy = restartPolicy,
                TerminationGracePeriodSeconds = 5,
                InitContainers = [new V1Container { Name = "extract", Command = ["/bin/extract"] }, new V1Container { Name = "transform", Command = ["/bin/transform"] }],
                Containers = [new V1Container { Name = "load", Command = ["/bin/load"] }],
            },
        };
        var context = new PodWorkerContext(_runtime, _time, _events, new StatePaths(_stateDir.Path), BackoffPolicy.Kubernetes,
            new Dictionary<string, string>(), NullLogger.Instance);
        _worker = new PodWorker(pod, context);
        _worker.Start();
        return _worker;
    }

    /// <summary>The step runs and its timer is armed (the snapshot is published after both).</summary>
    private static Task Running(PodWorker w, string name) =>
        Until(() => Init(w, name).State?.Running is not null || w.Snapshot.Status?.ContainerStatuses?.FirstOrDefault(s => s.Name == name)?.State?.Running is not null, name + " running");

    private static V1ContainerStatus Init(PodWorker w, string name) =>
        w.Snapshot.Status?.InitContainerStatuses?.FirstOrDefault(s => s.Name == name) ?? new V1ContainerStatus { Name = name };

    [Fact]
    public async Task A_step_past_its_timeout_is_killed_as_DeadlineExceeded_and_restarted_in_place_under_OnFailure()
    {
        var worker = StartJobPod("OnFailure", new() { ["sup.minikube.io/step-timeout-seconds"] = "60" });
        await Until(() => _runtime.Of("extract").Count == 1, "extract starts");
        _runtime.Of("extract")[0].Exit(0);
        await Until(() => _runtime.Of("transform").Count == 1, "transform starts");
        await Running(worker, "transform");

        _time.Advance(TimeSpan.FromSeconds(59));
        await Task.Delay(20);
        Assert.Empty(_runtime.Of("transform")[0].Signals); // not before its timeout
        _time.Advance(TimeSpan.FromSeconds(1));
        await Until(() => _runtime.Of("transform")[0].Signals.Contains(Native.SIGTERM), "SIGTERM to the hung step");
        await Until(() => _runtime.Of("transform").Count == 2, "restarted in place");
        // The runtime sees the new start before the worker publishes the status that counts it.
        await Until(() => Init(worker, "transform").RestartCount == 1, "the restart counted");

        var status = Init(worker, "transform");
        Assert.Equal(("DeadlineExceeded", 143), (status.LastState.Terminated.Reason, status.LastState.Terminated.ExitCode));
        Assert.Single(_runtime.Of("extract")); // earlier steps are not re-run
        Assert.Contains(_events.Snapshot(), e => e.Type == SupEvent.Warning && e.Reason == "DeadlineExceeded"
            && e.Message == "Container transform ran longer than its step timeout of 60s and is considered hung");
        Assert.Contains(_events.Snapshot(), e => e.Reason == "Killing" && e.Message == "Container transform exceeded its step timeout, will be restarted");
    }

    [Fact]
    public async Task A_hung_step_under_Never_fails_the_pod()
    {
        var worker = StartJobPod("Never", new() { ["sup.minikube.io/step-timeout-seconds.extract"] = "10" });
        await Until(() => _runtime.Of("extract").Count == 1, "extract starts");
        await Running(worker, "extract");
        _time.Advance(TimeSpan.FromSeconds(10));
        await Until(() => worker.Snapshot.Status.Phase == "Failed", "the pod fails");
        Assert.Equal("DeadlineExceeded", Init(worker, "extract").State.Terminated.Reason);
        Assert.Empty(_runtime.Of("transform"));
    }

    [Fact]
    public async Task A_step_that_ignores_SIGTERM_is_killed_after_the_grace_period_and_a_clean_exit_still_counts_as_a_failure()
    {
        _runtime.ExitCodeOnSigterm = 0; // the step traps SIGTERM and exits 0
        var worker = StartJobPod("Never", new() { ["sup.minikube.io/step-timeout-seconds"] = "5" });
        await Until(() => _runtime.Of("extract").Count == 1, "extract starts");
        await Running(worker, "extract");
        _time.Advance(TimeSpan.FromSeconds(5));
        await Until(() => worker.Snapshot.Status.Phase == "Failed", "the pod fails");
        var terminated = Init(worker, "extract").State.Terminated;
        Assert.Equal(("DeadlineExceeded", 143), (terminated.Reason, terminated.ExitCode));
    }

    [Fact]
    public async Task The_per_step_annotation_overrides_the_pod_wide_one()
    {
        var worker = StartJobPod("OnFailure", new()
        {
            ["sup.minikube.io/step-timeout-seconds"] = "5",
            ["sup.minikube.io/step-timeout-seconds.extract"] = "100",
        });
        await Until(() => _runtime.Of("extract").Count == 1, "extract starts");
        await Running(worker, "extract");
        _time.Advance(TimeSpan.FromSeconds(50));
        await Task.Delay(20);
        Assert.Empty(_runtime.Of("extract")[0].Signals);
        _runtime.Of("extract")[0].Exit(0);
        await Until(() => _runtime.Of("transform").Count == 1, "transform starts");
        await _time.AdvanceUntil(() => _runtime.Of("transform")[0].Signals.Contains(Native.SIGTERM), "transform times out at 5 s", TimeSpan.FromSeconds(1));
        Assert.Equal(0, Init(worker, "extract").RestartCount);
    }
}

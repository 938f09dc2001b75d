using k8s.Models;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using MiniKube.Sup.Events;
using MiniKube.Sup.Pods;
using MiniKube.Sup.Processes;
using MiniKube.Sup.Runtime;
using MiniKube.Sup.Tests.Events;
using static MiniKube.Sup.Testing.Poll;

namespace MiniKube.Sup.Tests.Pods;

/// <summary>The pod worker with a runtime whose starts take time (an engine), its sandbox, and containers that
/// cannot be created yet (image pulls).</summary>
public sealed class PodWorkerStartTests : IDisposable
{
    private readonly FakeTimeProvider _time = TestClock.Create();
    private readonly FakeContainerRuntime _runtime = new();
    private readonly EventLog _events = new();
    private readonly TempDirectory _stateDir = new("sup-worker-start-");

    public void Dispose() => _stateDir.Dispose();

    private PodWorker StartPod(string restartPolicy = "Always", Action<V1PodSpec>? edit = null, params string[] containers)
    {
        var pod = new V1Pod
        {
            Metadata = new V1ObjectMeta { Name = "p", Uid = "uid-1" },
            Spec = new V1PodSpec
            {
                RestartPolicy = restartPolicy,
                TerminationGracePeriodSeconds = 30,
                Containers = (containers.Length == 0 ? ["app"] : containers)
                    .Select(c => new V1Container { Name = c, Image = "busybox", Command = ["sleep", "1000"] }).ToList(),
            },
        };
        edit?.Invoke(pod.Spec);
        var context = new PodWorkerContext(_runtime, _time, _events, new StatePaths(_stateDir.Path), BackoffPolicy.Kubernetes,
            new Dictionary<string, string>(), NullLogger.Instance);
        var worker = new PodWorker(pod, context, podIp: "127.0.1.9");
        worker.Start();
        return worker;
    }

    private static V1ContainerStatus Status(PodWorker w, string name = "app") =>
        w.Snapshot.Status?.ContainerStatuses?.FirstOrDefault(s => s.Name == name) ?? new V1ContainerStatus { Name = name };

    [Fact]
    public async Task A_container_whose_start_takes_time_stays_ContainerCreating_until_the_runtime_has_started_it()
    {
        var release = new TaskCompletionSource();
        _runtime.StartDelay = release.Task;
        var worker = StartPod(containers: ["a", "b"]);
        await Until(() => _runtime.Launches.Count == 2, "both starts asked for at once: the loop does not wait for the first");
        Assert.Equal("ContainerCreating", Status(worker, "a").State?.Waiting?.Reason);
        Assert.Equal("Pending", worker.Snapshot.Status.Phase);

        release.SetResult();
        await Until(() => Status(worker, "a").State?.Running is not null && Status(worker, "b").State?.Running is not null, "running");
        Assert.Equal("Running", worker.Snapshot.Status.Phase);
        Assert.Contains(_events.Snapshot(), e => e.Reason == "Started" && e.FieldPath == "spec.containers{a}");
    }

    [Fact]
    public async Task A_pod_stopped_while_its_container_starts_stops_it_once_started_and_only_then_finishes()
    {
        var release = new TaskCompletionSource();
        _runtime.StartDelay = release.Task;
        var worker = StartPod();
        await Until(() => _runtime.Launches.Count == 1, "start asked for");

        var stop = worker.StopAsync();
        await Task.Delay(100);
        Assert.False(stop.IsCompleted, "a container still starting may come up: the pod is not down yet");

        release.SetResult();
        await stop.WaitAsync(TimeSpan.FromSeconds(10));
        var instance = Assert.Single(_runtime.Started);
        Assert.Contains(Native.SIGTERM, instance.Signals);
        await worker.Finished.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task The_sandbox_is_made_once_before_the_first_container_and_removed_when_the_pod_is_done()
    {
        var worker = StartPod(edit: spec =>
        {
            spec.Containers[0].Ports = [new V1ContainerPort { ContainerPort = 80, Protocol = "TCP" }];
            spec.HostAliases = [new V1HostAlias { Hostnames = ["db.local"], Ip = "127.0.0.5" }];
        });
        await Until(() => _runtime.Started.Count == 1, "started");
        var request = Assert.Single(_runtime.Sandboxes);
        Assert.Equal(("p", "127.0.1.9", "p"), (request.PodName, request.PodIp, request.Hostname));
        Assert.Equal([new PublishedPort(80)], request.PublishedPorts);
        Assert.Contains(new HostEntry("db.local", "127.0.0.5"), request.HostEntries);
        Assert.Equal("fake-p", worker.Sandbox?.Id);
        Assert.Equal("fake-p", _runtime.Launches.Single().Sandbox?.Id);

        _runtime.Started.Single().Exit(1);
        await Until(() => _runtime.Started.Count == 2, "restarted in the same sandbox");
        Assert.Single(_runtime.Sandboxes);
        Assert.Empty(_runtime.RemovedSandboxes);

        await worker.StopAsync();
        await worker.Finished.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal("fake-p", Assert.Single(_runtime.RemovedSandboxes).Id);
    }

    [Fact]
    public async Task A_sandbox_whose_network_the_daemon_cannot_enter_says_so_once_in_a_Warning_event_and_its_containers_run()
    {
        _runtime.SandboxNetworkLimitation = "rootless podman: not given Services";
        var worker = StartPod();
        await Until(() => _runtime.Started.Count == 1, "started");
        var e = Assert.Single(_events.Snapshot(), ev => ev.Reason == "NetworkLimited");
        Assert.Equal((SupEvent.Warning, "rootless podman: not given Services"), (e.Type, e.Message));

        _runtime.Started.Single().Exit(1);
        await Until(() => _runtime.Started.Count == 2, "restarted in the same sandbox");
        Assert.Single(_events.Snapshot(), ev => ev.Reason == "NetworkLimited");
        await worker.StopAsync().WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task A_sandbox_that_cannot_be_made_leaves_the_containers_waiting_with_the_reason_and_a_Warning_event()
    {
        _runtime.SandboxFailure = new SandboxException("no container engine is usable: podman: not found", permanent: true);
        var worker = StartPod();
        await Until(() => _events.Snapshot().Any(e => e.Reason == "FailedCreatePodSandBox"), "event");
        var e = _events.Snapshot().Single(e => e.Reason == "FailedCreatePodSandBox");
        Assert.Equal(SupEvent.Warning, e.Type);
        Assert.Equal("Failed to create pod sandbox: no container engine is usable: podman: not found", e.Message);
        await Until(() => Status(worker).State?.Waiting?.Message == "no container engine is usable: podman: not found", "waiting with the reason");
        Assert.Equal("ContainerCreating", Status(worker).State.Waiting.Reason);
        Assert.Equal("Pending", worker.Snapshot.Status.Phase);
        Assert.Empty(_runtime.Launches);

        _time.Advance(TimeSpan.FromMinutes(5));
        await Task.Delay(50);
        Assert.Single(_events.Snapshot(), ev => ev.Reason == "FailedCreatePodSandBox"); // trying again cannot help: said once
        await worker.StopAsync().WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task A_sandbox_that_failed_for_now_is_tried_again()
    {
        _runtime.SandboxFailure = new SandboxException("podman pod create: exit 125");
        var worker = StartPod();
        await Until(() => _events.Snapshot().Any(e => e.Reason == "FailedCreatePodSandBox"), "event");
        _runtime.SandboxFailure = null;
        _time.Advance(TimeSpan.FromSeconds(10));
        await Until(() => Status(worker).State?.Running is not null, "running after the retry");
    }

    [Fact]
    public async Task A_failed_pull_shows_ErrImagePull_then_ImagePullBackOff_and_is_retried_after_the_backoff()
    {
        _runtime.FailToCreate["app"] = new ContainerCreateException(ContainerCreateException.ErrImagePull, "Failed to pull image \"nope\": not found");
        var worker = StartPod();
        await Until(() => Status(worker).State?.Waiting?.Reason == "ErrImagePull", "ErrImagePull");
        Assert.Contains(_events.Snapshot(), e => e.Reason == "Failed" && e.Message == "Error: ErrImagePull");

        _time.Advance(TimeSpan.FromSeconds(1));
        await Until(() => Status(worker).State?.Waiting?.Reason == "ImagePullBackOff", "ImagePullBackOff");
        Assert.Equal("Back-off pulling image \"busybox\"", Status(worker).State.Waiting.Message);
        Assert.Contains(_events.Snapshot(), e => e.Reason == "BackOff" && e.Message == "Back-off pulling image \"busybox\"");
        Assert.Single(_runtime.Launches);

        _time.Advance(TimeSpan.FromSeconds(9));
        await Until(() => _runtime.Launches.Count == 2, "pulled again after 10 s");
        _runtime.FailToCreate.Clear();
        await Until(() => Status(worker).State?.Waiting?.Reason == "ErrImagePull", "second failure");
        _time.Advance(TimeSpan.FromSeconds(19.5));
        await Task.Delay(50);
        Assert.Equal(2, _runtime.Launches.Count); // 20 s the second time
        _time.Advance(TimeSpan.FromSeconds(0.5));
        await Until(() => Status(worker).State?.Running is not null, "running once the image is there");
        Assert.Equal(0, Status(worker).RestartCount);
    }

    [Fact]
    public async Task A_container_the_engine_cannot_create_waits_with_the_reason_and_is_tried_again()
    {
        _runtime.FailToCreate["app"] = new ContainerCreateException(ContainerCreateException.ConfigError, "container has runAsNonRoot and image will run as root");
        var worker = StartPod();
        await Until(() => Status(worker).State?.Waiting?.Reason == "CreateContainerConfigError", "waiting");
        Assert.Equal("container has runAsNonRoot and image will run as root", Status(worker).State.Waiting.Message);
        Assert.Contains(_events.Snapshot(), e => e.Message == "Error: container has runAsNonRoot and image will run as root");
        _runtime.FailToCreate.Clear();
        _time.Advance(TimeSpan.FromSeconds(10));
        await Until(() => Status(worker).State?.Running is not null, "running after the retry");
    }
}

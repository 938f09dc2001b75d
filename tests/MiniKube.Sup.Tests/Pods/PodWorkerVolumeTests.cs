using k8s.Models;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using MiniKube.Sup.Events;
using MiniKube.Sup.Pods;
using MiniKube.Sup.Tests.Volumes;
using MiniKube.Sup.Volumes;
using MiniKube.Sup.Tests.Events;
using static MiniKube.Sup.Testing.Poll;

namespace MiniKube.Sup.Tests.Pods;

public sealed class PodWorkerVolumeTests : IDisposable
{
    private readonly FakeTimeProvider _time = TestClock.Create();
    private readonly FakeContainerRuntime _runtime = new();
    private readonly EventLog _events = new();
    private readonly InMemoryConfigSource _config = new();
    private readonly TempDirectory _stateDir = new("sup-worker-volumes-");

    public void Dispose() => _stateDir.Dispose();

    private PodWorker Start(V1Container container, params V1Volume[] volumes)
    {
        container.Command ??= ["/bin/true"];
        var pod = new V1Pod
        {
            Metadata = new V1ObjectMeta { Name = "p", Uid = "uid-1" },
            Spec = new V1PodSpec { RestartPolicy = "Always", Containers = [container], Volumes = volumes },
        };
        var context = new PodWorkerContext(_runtime, _time, _events, new StatePaths(_stateDir.Path), BackoffPolicy.Kubernetes,
            new Dictionary<string, string>(), NullLogger.Instance) { Config = _config };
        var worker = new PodWorker(pod, context);
        worker.Start();
        return worker;
    }

    private static V1ContainerStatus Status(PodWorker w) => w.Snapshot.Status?.ContainerStatuses?.FirstOrDefault() ?? new V1ContainerStatus();

    [Fact]
    public async Task Missing_ConfigMap_leaves_the_container_in_CreateContainerConfigError_until_it_appears()
    {
        var worker = Start(new V1Container
        {
            Name = "app",
            Env = [new V1EnvVar { Name = "GREETING", ValueFrom = new V1EnvVarSource { ConfigMapKeyRef = new V1ConfigMapKeySelector { Name = "app", Key = "greeting" } } }],
        });

        await Until(() => Status(worker).State?.Waiting?.Reason == "CreateContainerConfigError", "config error");
        Assert.Equal("configmap \"app\" not found", Status(worker).State.Waiting.Message);
        Assert.Equal("Pending", worker.Snapshot.Status.Phase);
        Assert.Contains(_events.Snapshot(), e => e is { Reason: "Failed", Type: SupEvent.Warning, Message: "Error: configmap \"app\" not found" });
        Assert.Empty(_runtime.Started);

        _time.Advance(TimeSpan.FromSeconds(10));
        await Until(() => _events.Snapshot().Count(e => e.Reason == "Failed") == 2, "second attempt");
        Assert.Empty(_runtime.Started);

        _config.WithConfigMap("app", new() { ["greeting"] = "hello" });
        _time.Advance(TimeSpan.FromSeconds(10));
        await Until(() => Status(worker).State?.Running is not null, "started once the ConfigMap exists");
        Assert.Equal("hello", Assert.Single(_runtime.Started).Launch.Environment["GREETING"]);
        Assert.Equal(0, Status(worker).RestartCount);
    }

    [Fact]
    public async Task Failed_hostPath_check_keeps_the_pod_Pending_with_FailedMount_events_until_it_passes()
    {
        var path = Path.Combine(_stateDir.Path, "host-data");
        var worker = Start(new V1Container { Name = "app", VolumeMounts = [new V1VolumeMount { Name = "data", MountPath = "/data" }] },
            new V1Volume { Name = "data", HostPath = new V1HostPathVolumeSource { Path = path, Type = "Directory" } });

        await Until(() => _events.Snapshot().Any(e => e.Reason == "FailedMount"), "FailedMount");
        var failed = _events.Snapshot().Single(e => e.Reason == "FailedMount");
        Assert.Equal(SupEvent.Warning, failed.Type);
        Assert.Equal($"MountVolume.SetUp failed for volume \"data\" : hostPath type check failed: {path} is not a directory", failed.Message);
        Assert.Equal(("Pending", "ContainerCreating"), (worker.Snapshot.Status.Phase, Status(worker).State?.Waiting?.Reason));

        _time.Advance(TimeSpan.FromSeconds(10));
        await Until(() => _events.Snapshot().Count(e => e.Reason == "FailedMount") == 2, "retried");
        Assert.Empty(_runtime.Started);

        Directory.CreateDirectory(path);
        _time.Advance(TimeSpan.FromSeconds(10));
        await Until(() => Status(worker).State?.Running is not null, "started once the directory exists");
        Assert.Equal(path, Assert.Single(_runtime.Started).Launch.Environment["VOLUME_DATA"]);
        Assert.Contains($"data\t{path}\t", worker.Snapshot.Metadata.Annotations[VolumeAnnotation.Key]);
    }

    [Fact]
    public async Task EmptyDir_exists_before_the_first_container_and_keeps_its_content_across_restarts()
    {
        var worker = Start(new V1Container { Name = "app", Args = ["$(VOLUME_CACHE)/x"], VolumeMounts = [new V1VolumeMount { Name = "cache", MountPath = "cache" }] },
            new V1Volume { Name = "cache", EmptyDir = new V1EmptyDirVolumeSource() });
        var dir = Path.Combine(_stateDir.Path, "pods", "p", "volumes", "cache");

        await Until(() => _runtime.Started.Count == 1, "first start");
        var launch = _runtime.Started.Single().Launch;
        Assert.Equal(["/bin/true", dir + "/x"], launch.Command);
        File.WriteAllText(Path.Combine(launch.WorkingDirectory, "cache", "state"), "kept");

        _runtime.Of("app")[0].Exit(1);
        await Until(() => _runtime.Of("app").Count == 2, "restart");
        // The worker writes the restarted container's status just after the runtime has started it: wait for it.
        await Until(() => Status(worker).RestartCount == 1, "restart counted");
        Assert.Equal("kept", File.ReadAllText(Path.Combine(dir, "state")));
        Assert.Equal(1, Status(worker).RestartCount);
    }
}

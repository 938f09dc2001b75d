using System.Collections.Concurrent;
using k8s.Models;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using MiniKube.Sup.Pods;
using MiniKube.Sup.Processes;
using MiniKube.Sup.Tests.Events;
using static MiniKube.Sup.Testing.Poll;

namespace MiniKube.Sup.Tests.Pods;

/// <summary>The pod worker taking back a pod an earlier daemon ran (SPEC §3, adoption).</summary>
public sealed class PodWorkerAdoptionTests : IDisposable
{
    private readonly FakeTimeProvider _time = TestClock.Create();
    private readonly FakeContainerRuntime _runtime = new();
    private readonly TempDirectory _stateDir = new("sup-worker-adopt-");

    public void Dispose() => _stateDir.Dispose();

    [Fact]
    public async Task A_ready_pod_taken_back_from_an_earlier_daemon_is_never_published_unready()
    {
        // The CI of 4916987: a new daemon published an adopted MariaDB pod as Pending (ContainerCreating) before taking
        // its container back, so its Service dropped the endpoint and reset a client that the pod's Ready had let in.
        var started = _time.GetUtcNow().UtcDateTime.AddMinutes(-5);
        var pod = new V1Pod
        {
            Metadata = new V1ObjectMeta { Name = "db-0", Uid = "uid-1" },
            Spec = new V1PodSpec { Containers = [new V1Container { Name = "db", Command = ["/bin/sleep", "1000"] }] },
            Status = new V1PodStatus
            {
                Phase = "Running",
                PodIP = "127.0.1.9",
                StartTime = started,
                Conditions = new[] { "PodReadyToStartContainers", "Initialized", "ContainersReady", "Ready", "PodScheduled" }
                    .Select(t => new V1PodCondition { Type = t, Status = "True", LastTransitionTime = started }).ToList(),
                ContainerStatuses =
                [
                    new V1ContainerStatus
                    {
                        Name = "db", Ready = true, Started = true, RestartCount = 2,
                        State = new V1ContainerState { Running = new V1ContainerStateRunning { StartedAt = started } },
                    },
                ],
            },
        };
        var published = new ConcurrentQueue<V1Pod>();
        var context = new PodWorkerContext(_runtime, _time, new EventLog(), new StatePaths(_stateDir.Path), BackoffPolicy.Kubernetes,
            new Dictionary<string, string>(), NullLogger.Instance);
        var worker = new PodWorker(pod, context, published.Enqueue, podIp: "127.0.1.9",
            adopted: [new AdoptedInstance("db-0", "uid-1", "db", 3, "test/db-0/uid-1/db/3", 4242)]);
        worker.Start();

        await Until(() => _runtime.Started.Count == 1 && !published.IsEmpty, "taken back and published");
        Assert.Equal(4242, Assert.Single(_runtime.Started).Pid);
        Assert.All(published, p =>
        {
            Assert.Equal("Running", p.Status.Phase);
            Assert.Contains(p.Status.Conditions, c => c.Type == "Ready" && c.Status == "True");
            var db = Assert.Single(p.Status.ContainerStatuses);
            Assert.Equal((true, 2), (db.Ready, db.RestartCount));
        });
        await worker.StopAsync(TimeSpan.Zero).WaitAsync(TimeSpan.FromSeconds(10));
    }
}

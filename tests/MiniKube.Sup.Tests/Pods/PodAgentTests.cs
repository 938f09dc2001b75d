using k8s.Models;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using MiniKube.Sup.Events;
using MiniKube.Sup.Pods;
using MiniKube.Sup.Store;
using MiniKube.Sup.Tests.Events;
using MiniKube.Sup.Processes;
using static MiniKube.Sup.Testing.Poll;

namespace MiniKube.Sup.Tests.Pods;

/// <summary>The pod agent over a real store and a fake runtime: it runs what the store holds, writes back status only,
/// and runs one pod per name at a time.</summary>
public sealed class PodAgentTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = TestClock.Create();
    private readonly FakeContainerRuntime _runtime = new() { ExitOnSigterm = false };
    private readonly TempDirectory _stateDir = new("sup-agent-");
    private readonly ObjectStore _store;
    private readonly PodAgent _agent;
    private readonly List<string> _terminating = [];

    public PodAgentTests()
    {
        _store = StoreTesting.Open(_time);
        var context = new PodWorkerContext(_runtime, _time, new EventLog(), new StatePaths(_stateDir.Path), BackoffPolicy.Kubernetes,
            new Dictionary<string, string>(), NullLogger.Instance);
        _agent = new PodAgent(_store, context, new TerminationSpy(_terminating));
        _agent.Start();
    }

    private sealed class TerminationSpy(List<string> ips) : IPodTerminationListener
    {
        public void Terminating(string podIp)
        {
            lock (ips) ips.Add(podIp);
        }
    }

    private static V1Pod Pod(string name, string arg = "v1") => new()
    {
        ApiVersion = "v1",
        Kind = "Pod",
        Metadata = new V1ObjectMeta { Name = name },
        Spec = new V1PodSpec { TerminationGracePeriodSeconds = 30, Containers = [new V1Container { Name = "app", Command = ["/bin/true"], Args = [arg] }] },
    };

    private V1Pod? Stored(string name) => _store.Get("Pod", name)?.As<V1Pod>();

    [Fact]
    public async Task A_pod_object_is_run_and_only_its_status_is_written_back()
    {
        var created = _store.Create(Pod("p"), "test");
        await Until(() => Stored("p")?.Status?.ContainerStatuses?.Single().State?.Running is not null, "running");
        var pod = Stored("p")!;
        Assert.Equal(created.Object.Metadata.Generation, pod.Metadata.Generation);
        Assert.Equal(KubernetesJson(created.As<V1Pod>().Spec), KubernetesJson(pod.Spec));
        Assert.Null(pod.Metadata.Annotations); // what the worker records about its volumes stays with it
        Assert.StartsWith("127.0.", pod.Status.PodIP);
    }

    [Fact]
    public async Task A_pod_replaced_by_one_of_the_same_name_starts_only_once_the_old_one_is_down()
    {
        _store.Create(Pod("p", "v1"), "test");
        await Until(() => _runtime.Of("app").Count == 1, "the first pod");
        var old = _runtime.Of("app")[0];
        _store.CreateOrReplace(Pod("p", "v2"), "test");
        await Until(() => old.Signals.Contains(Native.SIGTERM), "the old pod asked to stop");
        lock (_terminating) Assert.Single(_terminating); // its endpoints left before it was signalled
        await Task.Delay(50);
        Assert.Single(_runtime.Of("app")); // it ignores SIGTERM: nothing new starts while it runs
        old.Exit(0);
        await Until(() => _runtime.Of("app").Count == 2, "the new pod");
        Assert.Equal("v2", _runtime.Of("app")[1].Launch.Command[^1]);
        await Until(() => Stored("p")?.Status?.ContainerStatuses?.Single().State?.Running is not null, "the new pod running");
    }

    [Fact]
    public async Task A_deleted_pod_is_removed_from_the_store_once_its_processes_are_down()
    {
        _store.Create(Pod("p"), "test");
        await Until(() => _runtime.Of("app").Count == 1, "running");
        _store.Delete("Pod", "p");
        await Until(() => _runtime.Of("app")[0].Signals.Contains(Native.SIGTERM), "SIGTERM");
        Assert.NotNull(Stored("p")); // still listed, terminating
        _runtime.Of("app")[0].Exit(143);
        await Until(() => Stored("p") is null, "removed");
        // The worker is let go right after the store's removal, on the stopping task, not on the subscription's.
        await Until(() => _agent.Worker("p") is null, "the worker let go");
    }

    [Fact]
    public async Task A_pod_that_finished_before_a_restart_is_not_run_again_and_one_that_ran_is()
    {
        // The first agent stops before the pods are stored: had it started one, stopping it would wait out a grace
        // period on the fake clock, which nothing advances (the test hung when it won that race).
        await _agent.StopAllAsync();
        var done = _store.Create(Pod("done"), "test");
        _store.UpdateStatus(done.Key, new V1PodStatus { Phase = "Succeeded" }, done.Uid);
        var running = _store.Create(Pod("running"), "test");
        _store.UpdateStatus(running.Key, new V1PodStatus { Phase = "Running" }, running.Uid);
        // A second agent on the same store stands for the next daemon (the first one did not run them).
        var runtime = new FakeContainerRuntime();
        var context = new PodWorkerContext(runtime, _time, new EventLog(), new StatePaths(_stateDir.Path), BackoffPolicy.Kubernetes,
            new Dictionary<string, string>(), NullLogger.Instance);
        await using var next = new PodAgent(_store, context);
        next.Start();
        await next.Subscription!.IdleAsync();
        await Until(() => runtime.Started.Count == 1, "the running pod started again");
        Assert.Equal("running", runtime.Started.Single().Launch.PodName);
        Assert.Equal("Succeeded", Stored("done")!.Status.Phase);
        await next.StopAllAsync();
    }

    private static string KubernetesJson(object o) => k8s.KubernetesJson.Serialize(o);

    public Task InitializeAsync() => Task.CompletedTask;

    /// <summary>The fake instances ignore SIGTERM: the stop waits out each pod's grace period on the fake clock,
    /// which is advanced until every pod is down.</summary>
    public async Task DisposeAsync()
    {
        var stop = _agent.StopAllAsync();
        await _time.AdvanceUntil(() => stop.IsCompleted, "every pod stopped", TimeSpan.FromSeconds(5));
        await stop;
        _store.Dispose();
        _stateDir.Dispose();
    }
}

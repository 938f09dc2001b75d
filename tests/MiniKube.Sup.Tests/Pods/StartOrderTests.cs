using k8s.Models;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using MiniKube.Sup.Controllers;
using MiniKube.Sup.Events;
using MiniKube.Sup.Pods;
using MiniKube.Sup.Store;
using MiniKube.Sup.Tests.Events;
using static MiniKube.Sup.Testing.Poll;

namespace MiniKube.Sup.Tests.Pods;

/// <summary>sup.minikube.io/wait-for: the pod agent holds a pod until what it waits for is Ready (real store, fake
/// runtime and clock).</summary>
public sealed class StartOrderTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = TestClock.Create();
    private readonly FakeContainerRuntime _runtime = new() { ExitOnSigterm = true };
    private readonly TempDirectory _stateDir = new("sup-order-");
    private readonly ObjectStore _store;
    private readonly PodAgent _agent;

    public StartOrderTests()
    {
        _store = StoreTesting.Open(_time);
        var context = new PodWorkerContext(_runtime, _time, new EventLog(), new StatePaths(_stateDir.Path), BackoffPolicy.Kubernetes,
            new Dictionary<string, string>(), NullLogger.Instance);
        _agent = new PodAgent(_store, context);
        _agent.Start();
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await _agent.StopAllAsync();
        await _agent.DisposeAsync();
        _store.Dispose();
        _stateDir.Dispose();
    }

    private static V1Pod Pod(string name, Dictionary<string, string> annotations) => new()
    {
        ApiVersion = "v1",
        Kind = "Pod",
        Metadata = new V1ObjectMeta { Name = name, Annotations = annotations },
        Spec = new V1PodSpec { TerminationGracePeriodSeconds = 1, Containers = [new V1Container { Name = "app", Command = ["/bin/true"] }] },
    };

    private static V1Endpoints Endpoints(string name, params string[] ready) => new()
    {
        ApiVersion = "v1",
        Kind = "Endpoints",
        Metadata = new V1ObjectMeta { Name = name },
        Subsets = ready.Length == 0 ? [] : [new V1EndpointSubset { Addresses = ready.Select(ip => new V1EndpointAddress { Ip = ip }).ToList() }],
    };

    private V1ContainerStatus? Status(string pod) => _store.Get("Pod", pod)?.As<V1Pod>().Status?.ContainerStatuses?.SingleOrDefault();

    [Fact]
    public async Task A_pod_waits_for_a_Service_with_a_Ready_endpoint_shown_as_WaitingFor()
    {
        _store.Create(new V1Service { ApiVersion = "v1", Kind = "Service", Metadata = new V1ObjectMeta { Name = "db" }, Spec = new V1ServiceSpec { Selector = new Dictionary<string, string> { ["app"] = "db" } } }, "test");
        _store.Create(Endpoints("db"), "test");
        _store.Create(Pod("api", new() { ["sup.minikube.io/wait-for"] = "svc/db" }), "test");

        await Until(() => Status("api")?.State?.Waiting?.Reason == "WaitingFor", "held");
        Assert.Equal("svc/db: no Ready endpoint", Status("api")!.State.Waiting.Message);
        Assert.Equal("Pending", _store.Get("Pod", "api")!.As<V1Pod>().Status.Phase);
        Assert.Empty(_runtime.Of("app"));

        _store.Update(Endpoints("db", "127.0.1.5"), "test");
        await Until(() => _runtime.Of("app").Count == 1 && Status("api")?.State?.Running is not null, "started once the Service has a Ready endpoint");
    }

    [Fact]
    public async Task A_pod_made_again_under_the_same_name_is_shown_as_held_too()
    {
        _store.Create(Endpoints("db"), "test");
        _store.Create(Pod("api", new() { ["sup.minikube.io/wait-for"] = "svc/db" }), "test");
        await Until(() => Status("api")?.State?.Waiting?.Reason == "WaitingFor", "held");

        _store.Delete("Pod", "api");
        await Until(() => _store.Get("Pod", "api") is null, "the held pod gone");
        var again = _store.Create(Pod("api", new() { ["sup.minikube.io/wait-for"] = "svc/db" }), "test");
        await Until(() => _store.Get("Pod", "api")?.Uid == again.Uid && Status("api")?.State?.Waiting?.Reason == "WaitingFor", "the new pod held and shown so");
        Assert.Empty(_runtime.Of("app"));
    }

    [Fact]
    public async Task A_target_must_stay_Ready_for_the_stable_seconds_and_a_relapse_starts_the_count_again()
    {
        _store.Create(new V1Job { ApiVersion = "batch/v1", Kind = "Job", Metadata = new V1ObjectMeta { Name = "migrate" }, Spec = new V1JobSpec { Template = new V1PodTemplateSpec { Spec = new V1PodSpec { Containers = [new V1Container { Name = "m" }] } } } }, "test");
        _store.Create(new V1Deployment
        {
            ApiVersion = "apps/v1", Kind = "Deployment", Metadata = new V1ObjectMeta { Name = "db" },
            Spec = new V1DeploymentSpec { Replicas = 2, Selector = new V1LabelSelector(), Template = new V1PodTemplateSpec() },
        }, "test");
        _store.Create(Pod("api", new() { ["sup.minikube.io/wait-for"] = "deploy/db, job/migrate=Complete", ["sup.minikube.io/wait-for-stable-seconds"] = "30" }), "test");
        await Until(() => Status("api")?.State?.Waiting?.Message == "deploy/db: 0/2 Ready; job/migrate: not Complete yet", "held: " + k8s.KubernetesJson.Serialize(_store.Get("Pod", "api")?.Object));

        SetReady("db", 2);
        CompleteJob("migrate");
        await Until(() => Status("api")?.State?.Waiting?.Message == "deploy/db: Ready for 0s of 30s; job/migrate: Complete for 0s of 30s", "counting: " + Status("api")?.State?.Waiting?.Message);
        _time.Advance(TimeSpan.FromSeconds(20));
        SetReady("db", 1); // the database restarts after its initialisation: the count starts again
        await Until(() => Status("api")?.State?.Waiting?.Message?.StartsWith("deploy/db: 1/2 Ready", StringComparison.Ordinal) == true, "relapse");
        SetReady("db", 2);
        await Until(() => Status("api")?.State?.Waiting?.Message?.StartsWith("deploy/db: Ready for 0s of 30s", StringComparison.Ordinal) == true, "counting again");
        _time.Advance(TimeSpan.FromSeconds(29));
        await Task.Delay(50);
        Assert.Empty(_runtime.Of("app"));
        _time.Advance(TimeSpan.FromSeconds(1));
        await Until(() => _runtime.Of("app").Count == 1, "started once both stayed Ready for 30 s");
    }

    [Fact]
    public async Task The_pods_of_a_Deployment_whose_template_waits_for_a_StatefulSet_are_held_until_its_replicas_are_Ready()
    {
        // The real Deployment and ReplicaSet controllers make the pods from the template, annotation and all.
        var context = new ControllerContext(_store, new PodControl(_store), _time, new EventLog(), new StatePaths(_stateDir.Path), NullLogger.Instance);
        await using var controllers = new ControllerManager(context, [new DeploymentController(context), new ReplicaSetController(context)]);
        controllers.Start();
        _store.Create(new V1StatefulSet
        {
            ApiVersion = "apps/v1", Kind = "StatefulSet", Metadata = new V1ObjectMeta { Name = "db" },
            Spec = new V1StatefulSetSpec { Replicas = 2, ServiceName = "db", Selector = new V1LabelSelector(), Template = new V1PodTemplateSpec() },
        }, "test");
        var labels = new Dictionary<string, string> { ["app"] = "api" };
        _store.Create(new V1Deployment
        {
            ApiVersion = "apps/v1", Kind = "Deployment", Metadata = new V1ObjectMeta { Name = "api" },
            Spec = new V1DeploymentSpec
            {
                Replicas = 2,
                Selector = new V1LabelSelector { MatchLabels = labels },
                Template = new V1PodTemplateSpec
                {
                    Metadata = new V1ObjectMeta { Labels = labels, Annotations = new Dictionary<string, string> { ["sup.minikube.io/wait-for"] = "statefulset/db" } },
                    Spec = new V1PodSpec { TerminationGracePeriodSeconds = 1, Containers = [new V1Container { Name = "app", Command = ["/bin/true"] }] },
                },
            },
        }, "test");

        List<V1Pod> Pods() => _store.List("Pod").Select(o => o.As<V1Pod>()).ToList();
        bool AllHeld(string message) => Pods() is { Count: 2 } pods
            && pods.All(p => p.Status?.ContainerStatuses?.SingleOrDefault()?.State?.Waiting is { Reason: "WaitingFor" } w && w.Message == message);
        await Until(() => AllHeld("statefulset/db: 0/2 Ready"), "the Deployment's two pods made and held");
        foreach (var pod in Pods())
        {
            var replicaSet = _store.Get("ReplicaSet", Controller.OwnerName(pod.Metadata, "ReplicaSet")!)!;
            Assert.Equal("api", Controller.OwnerName(replicaSet.Object.Metadata, "Deployment"));
        }
        Assert.Empty(_runtime.Of("app"));

        SetStatefulSetReady("db", 1);
        await Until(() => AllHeld("statefulset/db: 1/2 Ready"), "still held with one replica of two Ready");
        Assert.Empty(_runtime.Of("app"));

        SetStatefulSetReady("db", 2);
        await Until(() => _runtime.Of("app").Count == 2 && Pods().All(p => p.Status?.ContainerStatuses?.SingleOrDefault()?.State?.Running is not null),
            "both pods started once the StatefulSet's replicas are Ready");
    }

    private void SetStatefulSetReady(string statefulSet, int ready) =>
        _store.UpdateStatus(new ObjectKey("StatefulSet", ObjectKey.DefaultNamespace, statefulSet), new V1StatefulSetStatus { Replicas = 2, ReadyReplicas = ready }, null);

    private void SetReady(string deployment, int ready) =>
        _store.UpdateStatus(new ObjectKey("Deployment", ObjectKey.DefaultNamespace, deployment), new V1DeploymentStatus { Replicas = 2, ReadyReplicas = ready }, null);

    private void CompleteJob(string job) =>
        _store.UpdateStatus(new ObjectKey("Job", ObjectKey.DefaultNamespace, job), new V1JobStatus { Conditions = [new V1JobCondition { Type = "Complete", Status = "True" }] }, null);
}

using k8s.Models;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using MiniKube.Sup.Store;
using MiniKube.Sup.Controllers;
using MiniKube.Sup.Events;
using MiniKube.Sup.Networking;
using MiniKube.Sup.Services;
using MiniKube.Sup.Tests.Controllers;
using MiniKube.Sup.Tests.Events;

namespace MiniKube.Sup.Tests.Services;

public sealed class ServiceControllerTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = TestClock.Create();
    private readonly ObjectStore _repository = StoreTesting.Open();
    private readonly FakePodControl _pods;
    private readonly ServiceProxies _proxies;
    private readonly ServiceController _controller;

    public ServiceControllerTests()
    {
        _proxies = new ServiceProxies(NullLogger.Instance, new PodNetworks(), _time);
        _pods = new FakePodControl(_time);
        _controller = new ServiceController(new ControllerContext(_repository, _pods, _time, new EventLog(), new StatePaths(Path.GetTempPath()), NullLogger.Instance), _proxies);
        _repository.Put(new V1Service
        {
            ApiVersion = "v1",
            Kind = "Service",
            Metadata = new V1ObjectMeta { Name = "web", Uid = "svc" },
            // Port 0: any free port (the proxy is real).
            Spec = new V1ServiceSpec { Selector = new Dictionary<string, string> { ["app"] = "web" }, Ports = [new V1ServicePort { Port = 0, TargetPort = 8080, Protocol = "TCP" }] },
        });
    }

    private void Pod(string name, string ip, bool ready)
    {
        _pods.Create(new V1Pod { ApiVersion = "v1", Kind = "Pod", Metadata = new V1ObjectMeta { Name = name, Labels = new Dictionary<string, string> { ["app"] = "web" } }, Spec = new V1PodSpec { Containers = [] } });
        _pods.SetReady(name, ready);
        _pods.Get(name)!.Status.PodIP = ip;
    }

    private IReadOnlyList<string> Routed() => _proxies.Of("default/web").Single().Backends.Select(b => b.ToString()).ToList();

    [Fact]
    public async Task Endpoints_follow_readiness_and_a_terminating_pod_leaves_as_its_termination_begins()
    {
        Pod("a", "127.0.1.2", ready: true);
        Pod("b", "127.0.1.3", ready: false);
        await _controller.ReconcileAsync("web", CancellationToken.None);
        Assert.Equal(["127.0.1.2:8080"], Routed());
        var endpoints = (V1Endpoints)_repository.Get("Endpoints", "web")!.Object;
        Assert.Equal(["127.0.1.3"], endpoints.Subsets.Single().NotReadyAddresses.Select(a => a.Ip));

        _pods.SetReady("b");
        _pods.Get("b")!.Status.PodIP = "127.0.1.3";
        var pod = _pods.Get("b")!;
        Assert.Equal(["default/web"], _controller.KeysFor(new ObjectEvent(ObjectEvent.Modified, StoreTesting.Open().Create(pod, "test"))).ToList());
        await _controller.ReconcileAsync("web", CancellationToken.None);
        Assert.Equal(["127.0.1.2:8080", "127.0.1.3:8080"], Routed());

        _pods.Delete("a");
        ((MiniKube.Sup.Pods.IPodTerminationListener)_proxies).Terminating("127.0.1.2"); // what the pod agent does before it signals the pod
        Assert.Equal(["127.0.1.3:8080"], Routed());
        await _controller.ReconcileAsync("web", CancellationToken.None);
        Assert.Equal(["127.0.1.3:8080"], Routed()); // and the terminating pod does not come back

        _repository.Drop("Service", "web");
        await _controller.ReconcileAsync("web", CancellationToken.None);
        Assert.Empty(_proxies.Of("default/web"));
        Assert.Null(_repository.Get("Endpoints", "web"));
    }

    // xunit 2 calls IAsyncLifetime.DisposeAsync, never IAsyncDisposable's.
    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => _proxies.DisposeAsync().AsTask();
}

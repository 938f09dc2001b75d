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
    private readonly EventLog _events = new();

    public ServiceControllerTests()
    {
        _proxies = new ServiceProxies(NullLogger.Instance, new PodNetworks(), _time);
        _pods = new FakePodControl(_time);
        _controller = new ServiceController(new ControllerContext(_repository, _pods, _time, _events, new StatePaths(Path.GetTempPath()), NullLogger.Instance), _proxies);
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

    [Fact]
    public async Task A_port_another_program_holds_is_a_FailedToListen_warning_in_the_status_and_is_tried_again_until_it_is_free()
    {
        var holder = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        holder.Start();
        var port = ((System.Net.IPEndPoint)holder.LocalEndpoint).Port;
        _repository.Put(new V1Service
        {
            ApiVersion = "v1",
            Kind = "Service",
            Metadata = new V1ObjectMeta { Name = "taken", Uid = "svc-taken", Generation = 1 },
            Spec = new V1ServiceSpec { Selector = new Dictionary<string, string> { ["app"] = "web" }, Ports = [new V1ServicePort { Port = port, TargetPort = 8080, Protocol = "TCP" }] },
        });

        Assert.Equal(ServiceController.RetryListen, await _controller.ReconcileAsync("taken", CancellationToken.None));
        var failed = ServiceListening.Of((V1Service)_repository.Get("Service", "taken")!.Object)!;
        Assert.Equal(("False", "FailedToListen"), (failed.Status, failed.Reason));
        Assert.Contains($"cannot listen on 127.0.0.1:{port}", failed.Message);
        Assert.Empty(_proxies.Of("default/taken"));
        // Tried again while it is taken: still one warning, not one per try.
        Assert.Equal(ServiceController.RetryListen, await _controller.ReconcileAsync("taken", CancellationToken.None));
        Assert.Single(_events.Snapshot(), e => e.Reason == "FailedToListen" && e.Type == SupEvent.Warning);

        holder.Stop();
        Assert.Null(await _controller.ReconcileAsync("taken", CancellationToken.None));
        var listening = ServiceListening.Of((V1Service)_repository.Get("Service", "taken")!.Object)!;
        Assert.Equal(("True", "Bound", $"listening on 127.0.0.1:{port}, forwarded in user space"), (listening.Status, listening.Reason, listening.Message));
        Assert.Single(_proxies.Of("default/taken"));
        Assert.Contains(_events.Snapshot(), e => e.Reason == "Listening" && e.Type == SupEvent.Normal);
    }

    // xunit 2 calls IAsyncLifetime.DisposeAsync, never IAsyncDisposable's.
    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => _proxies.DisposeAsync().AsTask();
}

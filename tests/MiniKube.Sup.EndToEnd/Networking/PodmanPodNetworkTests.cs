using System.Globalization;
using System.Net;
using System.Net.Sockets;
using k8s.Models;
using Microsoft.Extensions.Logging.Abstractions;
using MiniKube.Sup.EndToEnd.Containers;
using MiniKube.Sup.Networking;
using MiniKube.Sup.Probes;
using MiniKube.Sup.Services;
using MiniKube.Sup.Spec;

namespace MiniKube.Sup.EndToEnd.Networking;

/// <summary>A real podman pod (its infra container's network namespace) with busybox's httpd in it, which listens
/// where only the pod's own namespace reaches: probes, Service endpoints and Services are all reached through the
/// pod's network. Traffic goes to loopback addresses only; the pod and its containers carry the test's label and
/// are removed.</summary>
[Collection(ContainersCollection.Name)]
public sealed class PodmanPodNetworkTests : IAsyncLifetime, IClassFixture<PodmanImages>
{
    private static readonly IPAddress PodIp = IPAddress.Parse("127.0.1.230");
    private static readonly IPAddress ServiceIp = IPAddress.Parse("127.0.0.230");

    private readonly string _label = "sup.test=netns-" + Guid.NewGuid().ToString("N")[..8];
    private readonly PodNetworks _networks = new();
    private readonly List<IDisposable> _disposables = [];
    private ServiceProxies? _proxies;
    private string _pod = "";
    private string _web = "";

    public Task InitializeAsync()
    {
        _pod = "sup-netns-test-" + Guid.NewGuid().ToString("N")[..8];
        _proxies = new ServiceProxies(NullLogger.Instance, _networks, TimeProvider.System);
        return Task.CompletedTask;
    }

    /// <summary>Creates the pod (its /etc/hosts naming <paramref name="services"/>) with busybox's httpd on 8080,
    /// and attaches its network.</summary>
    private async Task<NamespacePodNetwork> StartPodAsync(params V1Service[] services)
    {
        var hosts = ServiceHostNames.For("default", services, isolated: true).SelectMany(e => new[] { "--add-host", $"{e.Name}:{e.Address}" });
        await TestEngine.Podman.OutputAsync(["pod", "create", "--label", _label, "--name", _pod, .. hosts]);
        _web = (await TestEngine.Podman.OutputAsync("run", "--detach", "--pull", "never", "--label", _label, "--pod", _pod, TestImages.Busybox,
            "sh", "-c", "mkdir -p /www && echo served-in-pod > /www/index.html && exec httpd -f -p 8080 -h /www")).Trim();
        var infra = (await TestEngine.Podman.OutputAsync("pod", "inspect", "--format", "{{.InfraContainerID}}", _pod)).Trim();
        var pid = int.Parse((await TestEngine.Podman.OutputAsync("inspect", "--format", "{{.State.Pid}}", infra)).Trim(), CultureInfo.InvariantCulture);
        var network = _networks.Attach(PodIp, pid);
        _disposables.Add(network);
        return network;
    }

    private static V1Service Service(string name, IPAddress address, int port) => new()
    {
        Metadata = new V1ObjectMeta { Name = name },
        Spec = new V1ServiceSpec { ClusterIP = address.ToString(), Ports = [new V1ServicePort { Port = port }] },
    };

    [Fact]
    public async Task An_http_probe_reaches_the_pods_server_from_inside_its_namespace()
    {
        await StartPodAsync();
        var prober = new HttpGetProber(TimeProvider.System, _networks);
        var request = new ProbeRequest(ProbePurpose.Readiness, new ProbeAction(HttpGet: new V1HTTPGetAction { Port = 8080 }),
            new ProbeTarget("web", PodIp.ToString(), new V1Container { Name = "web" }, null!), TimeSpan.FromSeconds(5));

        var body = await Poll.For(async () => await prober.ProbeAsync(request, CancellationToken.None) is { Status: ProbeStatus.Success } o ? o.Output : null,
            "httpd to answer the probe", 60);
        Assert.Equal("served-in-pod\n", body);
        // The host's loopback does not reach it: the port is not published.
        Assert.Null(await NamespaceServer.AskFromHostAsync(new IPEndPoint(PodIp, 8080)));
    }

    [Fact]
    public async Task A_service_whose_endpoint_is_the_pod_is_dialled_from_inside_it()
    {
        await StartPodAsync();
        var port = FreePort.On(ServiceIp);
        _proxies!.Apply("web", ServiceIp, ServiceIp, [(port, [new Backend("web", PodIp.ToString(), 8080)])], keepTerminating: false);

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var page = await Poll.For<string>(async () => await http.GetStringAsync($"http://{ServiceIp}:{port}/"), "the Service to reach httpd", 60);
        Assert.Equal("served-in-pod\n", page);
    }

    [Fact]
    public async Task A_container_reaches_a_service_by_its_name_and_by_its_address()
    {
        var port = FreePort.On(ServiceIp);
        var backendIp = IPAddress.Parse("127.0.1.231");
        var backend = NamespaceServer.Start(new HostPodNetwork(backendIp), new IPEndPoint(backendIp, 0), "from-the-host-pod", http: true);
        _disposables.Add(backend);
        var service = Service("api-backend", ServiceIp, port);
        await StartPodAsync(service);
        _proxies!.Apply("api-backend", ServiceIp, ServiceIp, [(port, [new Backend("b", backendIp.ToString(), backend.Port)])], keepTerminating: false);

        foreach (var host in new[] { "api-backend", "api-backend.default.svc.cluster.local", ServiceIp.ToString() })
        {
            var output = await Poll.For(async () =>
            {
                // No -T: Debian's busybox 1.35 wget crashes with it (SIGSEGV).
                var result = await TestEngine.Podman.RunAsync("exec", _web, "wget", "-q", "-O", "-", $"http://{host}:{port}/");
                return result.ExitCode == 0 ? result.StandardOutput : null;
            }, $"wget http://{host}:{port}/ in the pod", 60);
            Assert.Equal("from-the-host-pod\n", output);
        }
    }

    public async Task DisposeAsync()
    {
        if (_proxies is not null) await _proxies.DisposeAsync();
        foreach (var d in _disposables) d.Dispose();
        // httpd as pid 1 ignores SIGTERM: no grace period to wait out.
        await TestEngine.Podman.RunAsync("pod", "rm", "--force", "--time", "0", _pod);
        await TestEngine.Podman.RemoveLeftoversAsync(_label);
        await TestEngine.Podman.AssertNoLeftoversAsync(_label);
    }
}

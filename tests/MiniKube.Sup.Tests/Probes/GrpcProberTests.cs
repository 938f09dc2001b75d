using System.Buffers.Binary;
using System.Net;
using System.Text;
using k8s.Models;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using MiniKube.Sup.Networking;
using MiniKube.Sup.Probes;
using MiniKube.Sup.Tests.Pods;

namespace MiniKube.Sup.Tests.Probes;

/// <summary>The gRPC prober against a real HTTP/2 (cleartext) server on loopback that speaks the gRPC health
/// protocol as grpc-go's health server does: SERVING or NOT_SERVING per service, NotFound for a service it does not
/// know.</summary>
public sealed class GrpcProberTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = TestClock.Create();
    private readonly Dictionary<string, int> _services = new() { [""] = 1, ["db"] = 2 };
    private readonly TaskCompletionSource _stall = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _stalled = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly int _port = FreePort.On(IPAddress.Loopback);
    private WebApplication? _app;
    private string? _userAgent;

    public async Task InitializeAsync() => _app = await Http2ServerAsync(_port, CheckAsync);

    /// <summary>Kestrel speaking HTTP/2 only, without TLS (as gRPC servers do), with the health check if given
    /// (else it answers 404 to everything).</summary>
    private static async Task<WebApplication> Http2ServerAsync(int port, RequestDelegate? check)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, port, l => l.Protocols = HttpProtocols.Http2));
        var app = builder.Build();
        if (check is not null) app.MapPost("/grpc.health.v1.Health/Check", check);
        await app.StartAsync();
        return app;
    }

    public async Task DisposeAsync()
    {
        _stall.TrySetResult();
        if (_app is not null) await _app.DisposeAsync();
    }

    /// <summary>grpc.health.v1.Health/Check: a HealthCheckRequest in, a HealthCheckResponse out, status in the trailers.</summary>
    private async Task CheckAsync(HttpContext context)
    {
        _userAgent = context.Request.Headers.UserAgent;
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body);
        var request = body.ToArray();
        var service = request.Length > 7 ? Encoding.UTF8.GetString(request, 7, request[6]) : ""; // frame(5), tag, length, name
        context.Response.ContentType = "application/grpc";
        if (service == "slow")
        {
            _stalled.TrySetResult();
            await _stall.Task;
        }
        if (!_services.TryGetValue(service, out var status))
        {
            context.Response.AppendTrailer("grpc-status", "5");
            context.Response.AppendTrailer("grpc-message", "unknown%20service");
            return;
        }
        var frame = new byte[7];
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(1), 2);
        frame[5] = 0x08; // field 1, varint
        frame[6] = (byte)status;
        await context.Response.Body.WriteAsync(frame);
        context.Response.AppendTrailer("grpc-status", "0");
    }

    private ProbeRequest Request(int port, string? service = null) =>
        new(ProbePurpose.Liveness, new ProbeAction(Grpc: new V1GRPCAction { Port = port, Service = service }),
            new ProbeTarget("p", "127.0.0.1", new V1Container { Name = "app" }, new FakeContainerRuntime().StartOne()), TimeSpan.FromSeconds(1));

    private GrpcProber Prober() => new(_time, new PodNetworks());

    [Fact]
    public async Task A_serving_server_is_healthy_and_is_asked_as_the_kubelet_asks()
    {
        Assert.Equal(ProbeOutcome.Success("service healthy"), await Prober().ProbeAsync(Request(_port), CancellationToken.None));
        Assert.Equal($"kube-probe/{HttpGetProber.KubeVersion}", _userAgent);
    }

    [Fact]
    public async Task A_service_not_serving_is_unhealthy()
    {
        Assert.Equal(ProbeOutcome.Failure("service unhealthy (responded with \"NOT_SERVING\")"), await Prober().ProbeAsync(Request(_port, "db"), CancellationToken.None));
    }

    [Fact]
    public async Task A_service_the_server_does_not_know_is_an_rpc_error()
    {
        Assert.Equal(ProbeOutcome.Failure("error: health rpc probe failed: rpc error: code = NotFound desc = unknown service"),
            await Prober().ProbeAsync(Request(_port, "cache"), CancellationToken.None));
    }

    [Fact]
    public async Task A_server_without_the_health_protocol_says_so()
    {
        var port = FreePort.On(IPAddress.Loopback);
        await using var plain = await Http2ServerAsync(port, check: null);
        Assert.Equal(ProbeOutcome.Failure("error: this server does not implement the grpc health protocol (grpc.health.v1.Health): unexpected HTTP status code received from server: 404 (Not Found)"),
            await Prober().ProbeAsync(Request(port), CancellationToken.None));
    }

    [Fact]
    public async Task A_refused_connection_is_a_failure()
    {
        var port = FreePort.On(IPAddress.Loopback);
        Assert.Equal(ProbeOutcome.Failure($"error: failed to connect service at \"127.0.0.1:{port}\": dial tcp 127.0.0.1:{port}: connect: connection refused"),
            await Prober().ProbeAsync(Request(port), CancellationToken.None));
    }

    [Fact]
    public async Task No_answer_within_the_timeout_is_a_failure()
    {
        var probe = Prober().ProbeAsync(Request(_port, "slow"), CancellationToken.None);
        await _stalled.Task.WaitAsync(TimeSpan.FromSeconds(30));
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(ProbeOutcome.Failure("timeout: health rpc did not complete within 1s"), await probe.WaitAsync(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task The_host_prober_runs_grpc_probes()
    {
        var prober = new Prober(_time, new FakeContainerRuntime(), new PodNetworks());
        Assert.Equal(ProbeOutcome.Success("service healthy"), await prober.ProbeAsync(Request(_port), CancellationToken.None));
    }
}

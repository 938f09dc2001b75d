using System.Net;
using System.Net.Sockets;

namespace MiniKube.Sup.EndToEnd.Containers;

/// <summary>The images tests/images/build.sh builds run under a real engine (<see cref="PodmanTestImagesTests"/>,
/// <see cref="DockerTestImagesTests"/>) by the names manifests give them, with no registry (<c>--pull never</c>), and
/// do what the documentation's examples expect of them. Traffic goes to 127.0.0.1 only; everything a test starts
/// carries its label and is gone when it ends.</summary>
public abstract class TestImagesTests(TestEngine engine) : IAsyncLifetime
{
    private readonly string _label = "sup.test=images-" + Guid.NewGuid().ToString("N")[..8];
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(5) };

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await engine.RemoveLeftoversAsync(_label);
    }

    [Theory]
    [InlineData("busybox")]
    [InlineData("busybox:1.28")]
    [InlineData("registry.k8s.io/busybox:1.27.2")]
    [InlineData("registry.k8s.io/busybox")]
    [InlineData(TestImages.Busybox)]
    public async Task Busybox_runs_by_each_name_the_documentation_gives_it(string image)
    {
        var result = await engine.RunAsync("run", "--rm", "--pull", "never", "--network", "none", "--label", _label,
            image, "sh", "-c", "echo ok; ls -ld /tmp; grep -c . /etc/passwd");
        Assert.True(result.ExitCode == 0, result.StandardError);
        Assert.Equal(["ok", "drwxrwxrwt", "2"], result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split(' ')[0]));
        await engine.AssertNoLeftoversAsync(_label);
    }

    [Fact]
    public async Task Every_nginx_name_of_the_documentation_is_the_built_nginx_image()
    {
        var ids = await engine.OutputAsync("image", "inspect", "--format", "{{.Id}} {{index .Config.Labels \"sup.test-image\"}}",
            "nginx", "nginx:1.14.2", "nginx:1.16.1", "nginx:1.7.9", "registry.k8s.io/nginx-slim:0.8", "registry.k8s.io/nginx-slim:0.24");
        var distinct = ids.Split('\n', StringSplitOptions.RemoveEmptyEntries).Distinct().ToList();
        Assert.Single(distinct);
        Assert.EndsWith(" nginx", distinct[0]);
    }

    [Fact]
    public async Task Nginx_serves_its_welcome_page_on_a_published_loopback_port_and_has_busybox_for_exec_probes()
    {
        var port = FreeLoopbackPort();
        var id = (await engine.OutputAsync("run", "--detach", "--pull", "never", "--label", _label,
            "--publish", $"127.0.0.1:{port}:80", TestImages.Nginx)).Trim();

        var page = await WithNetworkReport(id, port, 80,
            () => Poll.For<string>(async () => await _http.GetStringAsync($"http://127.0.0.1:{port}/"), "nginx's welcome page", 60));
        Assert.Contains("<title>Welcome to nginx!</title>", page);
        var listing = await engine.OutputAsync("exec", id, "ls", "/usr/share/nginx/html");
        Assert.Equal("index.html", listing.Trim());
        var processes = await engine.OutputAsync("exec", id, "ps", "-o", "user,args");
        Assert.Contains("nginx: master process nginx -g daemon off;", processes);
        Assert.Contains("nginx: worker process", processes);

        // STOPSIGNAL SIGQUIT, as the official image: nginx's graceful shutdown, and it exits 0.
        await engine.OutputAsync("stop", "--time", "10", id);
        Assert.Equal("0", (await engine.OutputAsync("inspect", "--format", "{{.State.ExitCode}}", id)).Trim());
        var log = await engine.RunAsync("logs", id);
        Assert.Contains("signal 3 (SIGQUIT) received", log.StandardError + log.StandardOutput);
        await engine.OutputAsync("rm", id);
        await engine.AssertNoLeftoversAsync(_label);
    }

    /// <summary>agnhost's documented <c>liveness</c> server, which the http-liveness example probes with a header.</summary>
    [Fact]
    public async Task The_agnhost_stand_in_answers_healthz_with_200_then_500_once_10_seconds_have_passed()
    {
        var port = FreeLoopbackPort();
        var id = (await engine.OutputAsync("run", "--detach", "--pull", "never", "--label", _label,
            "--publish", $"127.0.0.1:{port}:8080", TestImages.Agnhost, "liveness")).Trim();

        var first = await WithNetworkReport(id, port, null, () => Poll.For(() => Healthz(port), "the liveness server", 60));
        Assert.Equal(new HealthzAnswer(HttpStatusCode.OK, "ok"), first);
        var failing = await Poll.For(async () => await Healthz(port) is { Status: HttpStatusCode.InternalServerError } r ? r : null,
            "/healthz to answer 500", 60);
        Assert.StartsWith("error: ", failing.Body);

        // It stops on SIGTERM (the engines' default stop signal), as agnhost does, not after the stop timeout's SIGKILL.
        await engine.OutputAsync("stop", "--time", "30", id);
        Assert.Equal("143", (await engine.OutputAsync("inspect", "--format", "{{.State.ExitCode}}", id)).Trim());
        await engine.OutputAsync("rm", id);
        await engine.AssertNoLeftoversAsync(_label);
    }

    /// <summary>A published port that does not answer fails with the engine's network report.</summary>
    private async Task<T> WithNetworkReport<T>(string container, int port, int? containerPort, Func<Task<T>> poll)
    {
        try { return await poll(); }
        catch (TimeoutException e) { throw new TimeoutException(e.Message + await engine.NetworkReportAsync(container, "127.0.0.1", port, containerPort), e); }
    }

    private sealed record HealthzAnswer(HttpStatusCode Status, string Body);

    private async Task<HealthzAnswer?> Healthz(int port)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"http://127.0.0.1:{port}/healthz");
        request.Headers.Add("Custom-Header", "Awesome");
        using var response = await _http.SendAsync(request);
        return new HealthzAnswer(response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

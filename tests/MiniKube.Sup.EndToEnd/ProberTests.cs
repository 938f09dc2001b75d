using System.Net;
using System.Net.Sockets;
using k8s.Models;
using MiniKube.Sup.Networking;
using MiniKube.Sup.Probes;
using MiniKube.Sup.Processes;
using MiniKube.Sup.Runtime;

namespace MiniKube.Sup.EndToEnd;

/// <summary>The real probers against a real HTTP server, real sockets and real commands run in a real container.</summary>
public sealed class ProberTests : IDisposable, IContainerOutput
{
    private readonly HostProcessRuntime _runtime;
    private readonly IContainerInstance _container;
    private readonly HttpListener _server = new();
    private readonly int _port;
    private readonly string _dir = Directory.CreateTempSubdirectory("sup-prober-").FullName;
    private readonly string _owner;
    private readonly List<HttpListenerRequest> _requests = [];

    public ProberTests()
    {
        _owner = $"prober-test-{Guid.NewGuid():N}";
        _port = FreePort();
        _server.Prefixes.Add($"http://127.0.0.1:{_port}/");
        _server.Start();
        _ = Task.Run(ServeAsync);
        _runtime = new HostProcessRuntime(this);
        // The container exec commands run in: their environment, working directory and owner mark are its own.
        _container = _runtime.Start(new ContainerLaunch("p", "app", ["sleep", "300"],
            new Dictionary<string, string> { ["PATH"] = Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin:/bin", ["GREETING"] = "hi" },
            _dir, Path.Combine(_dir, "logs", "0.log"), _owner));
        _exec = new ExecProber(_runtime);
    }

    public void Dispose()
    {
        _server.Close();
        _container.SignalGroup(Native.SIGKILL);
        _container.Exited.Wait(TimeSpan.FromSeconds(10));
        Directory.Delete(_dir, recursive: true);
    }

    void IContainerOutput.WriteLine(string pod, string container, string line) { }

    private static int FreePort()
    {
        var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        var port = ((IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return port;
    }

    private async Task ServeAsync()
    {
        while (_server.IsListening)
        {
            HttpListenerContext c;
            try { c = await _server.GetContextAsync(); }
            catch (Exception) { return; }
            lock (_requests) _requests.Add(c.Request);
            _ = Task.Run(() => HandleAsync(c));
        }
    }

    private async Task HandleAsync(HttpListenerContext c)
    {
        {
            var path = c.Request.Url!.AbsolutePath;
            var n = int.TryParse(c.Request.QueryString["n"], out var v) ? v : 0;
            switch (path)
            {
                case "/ok": c.Response.StatusCode = 200; Write(c, "fine"); break;
                case "/fail": c.Response.StatusCode = 500; Write(c, "broken"); break;
                case "/hop": c.Response.StatusCode = 302; c.Response.RedirectLocation = n > 0 ? $"/hop?n={n - 1}" : "/ok"; Write(c, ""); break;
                case "/away": c.Response.StatusCode = 302; c.Response.RedirectLocation = $"http://127.0.0.2:{_port}/ok"; Write(c, "moved"); break;
                case "/slow": await Task.Delay(3000); c.Response.StatusCode = 200; Write(c, ""); break;
                case "/big": c.Response.StatusCode = 200; Write(c, new string('x', 50_000)); break;
                case "/chunked": await WriteChunkedAsync(c, n > 0 ? new string('y', n) : "first,", "second"); break;
                default: c.Response.StatusCode = 404; Write(c, ""); break;
            }
        }
    }

    private static void Write(HttpListenerContext c, string body)
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes(body);
        try
        {
            c.Response.ContentLength64 = bytes.Length;
            c.Response.OutputStream.Write(bytes);
            c.Response.Close();
        }
        catch (Exception) { /* the prober hung up */ }
    }

    private static async Task WriteChunkedAsync(HttpListenerContext c, params string[] parts)
    {
        try
        {
            c.Response.StatusCode = 200;
            c.Response.SendChunked = true;
            foreach (var part in parts)
            {
                await c.Response.OutputStream.WriteAsync(System.Text.Encoding.UTF8.GetBytes(part));
                await c.Response.OutputStream.FlushAsync();
            }
            c.Response.Close();
        }
        catch (Exception) { /* the prober hung up */ }
    }

    private ProbeRequest Get(string path, IntOrString? port = null, ProbePurpose purpose = ProbePurpose.Liveness, IList<V1HTTPHeader>? headers = null,
        V1Container? container = null) =>
        new(purpose, new ProbeAction(HttpGet: new V1HTTPGetAction { Path = path, Port = port ?? _port, HttpHeaders = headers }),
            Target(container), TimeSpan.FromSeconds(1));

    private ProbeTarget Target(V1Container? container = null) => new("p", "127.0.0.1", container ?? new V1Container { Name = "app" }, _container);

    private readonly HttpGetProber _http = new(TimeProvider.System, new PodNetworks());
    private readonly ExecProber _exec;
    private readonly TcpSocketProber _tcp = new(TimeProvider.System, new PodNetworks());

    [Fact]
    public async Task Http_2xx_is_success_with_default_kubelet_headers_and_no_keep_alive()
    {
        var outcome = await _http.ProbeAsync(Get("/ok"), CancellationToken.None);
        Assert.Equal(ProbeOutcome.Success("fine"), outcome);
        HttpListenerRequest request;
        lock (_requests) request = _requests.Last();
        Assert.Equal("kube-probe/1.32", request.UserAgent);
        Assert.Equal("*/*", request.Headers["Accept"]);
        Assert.Equal($"127.0.0.1:{_port}", request.Headers["Host"]); // Go's client: the URL's host:port
        Assert.False(request.KeepAlive);
    }

    [Fact]
    public async Task Http_chunked_body_is_read_whole_and_cut_at_ten_KiB()
    {
        Assert.Equal(ProbeOutcome.Success("first,second"), await _http.ProbeAsync(Get("/chunked"), CancellationToken.None));
        var big = await _http.ProbeAsync(Get("/chunked?n=12000"), CancellationToken.None);
        Assert.Equal(ProbeStatus.Success, big.Status);
        Assert.Equal(new string('y', 10 * 1024), big.Output);
    }

    [Fact]
    public async Task Http_user_headers_override_the_defaults()
    {
        await _http.ProbeAsync(Get("/ok", headers: [new() { Name = "User-Agent", Value = "mine" }, new() { Name = "X-Custom", Value = "1" }]), CancellationToken.None);
        HttpListenerRequest request;
        lock (_requests) request = _requests.Last();
        Assert.Equal("mine", request.UserAgent);
        Assert.Equal("1", request.Headers["X-Custom"]);
    }

    [Fact]
    public async Task Http_500_is_a_failure_with_the_kubelet_message()
    {
        Assert.Equal(ProbeOutcome.Failure("HTTP probe failed with statuscode: 500"), await _http.ProbeAsync(Get("/fail"), CancellationToken.None));
    }

    [Fact]
    public async Task Http_same_host_redirects_are_followed_and_ten_are_too_many()
    {
        Assert.Equal(ProbeStatus.Success, (await _http.ProbeAsync(Get("/hop?n=3"), CancellationToken.None)).Status);
        var tooMany = await _http.ProbeAsync(Get("/hop?n=20"), CancellationToken.None);
        Assert.Equal(ProbeStatus.Failure, tooMany.Status);
        Assert.EndsWith("stopped after 10 redirects", tooMany.Output);
    }

    [Fact]
    public async Task Http_redirect_to_another_host_is_not_followed_and_is_a_warning()
    {
        var outcome = await _http.ProbeAsync(Get("/away"), CancellationToken.None);
        Assert.Equal(ProbeOutcome.Warning("Probe terminated redirects, Response body: moved"), outcome);
    }

    [Fact]
    public async Task Http_timeout_and_refused_connection_are_failures_and_an_unknown_named_port_is_an_error()
    {
        var slow = await _http.ProbeAsync(Get("/slow"), CancellationToken.None);
        Assert.Equal(ProbeOutcome.Failure($"Get \"http://127.0.0.1:{_port}/slow\": context deadline exceeded (Client.Timeout exceeded while awaiting headers)"), slow);
        var closed = FreePort();
        var refused = await _http.ProbeAsync(Get("/ok", closed), CancellationToken.None);
        Assert.Equal(ProbeOutcome.Failure($"Get \"http://127.0.0.1:{closed}/ok\": dial tcp 127.0.0.1:{closed}: connect: connection refused"), refused);
        var unknown = await _http.ProbeAsync(Get("/ok", "metrics"), CancellationToken.None);
        Assert.Equal(ProbeStatus.Error, unknown.Status);
        var named = await _http.ProbeAsync(Get("/ok", "web", container: new V1Container { Name = "app", Ports = [new() { Name = "web", ContainerPort = _port }] }), CancellationToken.None);
        Assert.Equal(ProbeStatus.Success, named.Status);
    }

    [Fact]
    public async Task Http_reads_at_most_ten_KiB_of_the_body()
    {
        var outcome = await _http.ProbeAsync(Get("/big"), CancellationToken.None);
        Assert.Equal(10 * 1024, outcome.Output.Length);
    }

    [Fact]
    public async Task Http_hook_fails_only_without_a_response()
    {
        Assert.Equal(ProbeStatus.Success, (await _http.ProbeAsync(Get("/fail", purpose: ProbePurpose.PreStop), CancellationToken.None)).Status);
        Assert.Equal(ProbeStatus.Failure, (await _http.ProbeAsync(Get("/ok", FreePort(), ProbePurpose.PreStop), CancellationToken.None)).Status);
    }

    [Fact]
    public async Task Tcp_connect_is_success_and_a_closed_port_is_refused()
    {
        var request = new ProbeRequest(ProbePurpose.Liveness, new ProbeAction(TcpSocket: new V1TCPSocketAction { Port = _port }), Target(), TimeSpan.FromSeconds(1));
        Assert.Equal(ProbeStatus.Success, (await _tcp.ProbeAsync(request, CancellationToken.None)).Status);
        var closed = FreePort();
        var refused = request with { Action = new ProbeAction(TcpSocket: new V1TCPSocketAction { Port = closed }) };
        Assert.Equal(ProbeOutcome.Failure($"dial tcp 127.0.0.1:{closed}: connect: connection refused"), await _tcp.ProbeAsync(refused, CancellationToken.None));
    }

    private ProbeRequest Exec(params string[] command) =>
        new(ProbePurpose.Liveness, new ProbeAction(Exec: new V1ExecAction { Command = command }), Target(), TimeSpan.FromSeconds(1));

    [Fact]
    public async Task Exec_gets_the_real_exit_code_output_environment_and_working_directory()
    {
        Assert.Equal(ProbeOutcome.Success($"hi {_dir}\n"), await _exec.ProbeAsync(Exec("sh", "-c", "echo $GREETING $(pwd)"), CancellationToken.None));
        Assert.Equal(ProbeOutcome.Failure("bad\n"), await _exec.ProbeAsync(Exec("sh", "-c", "echo bad >&2; exit 3"), CancellationToken.None));
        // No shell: the argument is passed as is.
        Assert.Equal(ProbeOutcome.Success("$GREETING\n"), await _exec.ProbeAsync(Exec("echo", "$GREETING"), CancellationToken.None));
        for (var i = 0; i < 20; i++) // many in a row: the reaper never takes an exit status away from us
            Assert.Equal(ProbeStatus.Failure, (await _exec.ProbeAsync(Exec("false"), CancellationToken.None)).Status);
        Assert.Equal(ProbeStatus.Error, (await _exec.ProbeAsync(Exec("no-such-command-here"), CancellationToken.None)).Status);
    }

    [Fact]
    public async Task Exec_timeout_is_a_failure_and_kills_the_whole_process_group()
    {
        var outcome = await _exec.ProbeAsync(Exec("sh", "-c", "sleep 30 & sleep 31"), CancellationToken.None);
        Assert.Equal(ProbeOutcome.Failure("command \"sh -c sleep 30 & sleep 31\" timed out"), outcome);
        IReadOnlyList<ProcessInfo> left = [];
        for (var i = 0; i < 100; i++)
        {
            // Everything carrying the container's owner mark but the container itself: what the command started.
            left = ContainerProcesses.FindByOwnerPrefix(_owner, ProcFs.Snapshot(),
                pid => ProcFs.ReadEnvironmentVariable(pid, ContainerProcesses.OwnerVariable), Environment.ProcessId)
                .Where(p => p.Pid != _container.Pid).ToList();
            if (left.Count == 0) break;
            await Task.Delay(20);
        }
        Assert.Empty(left);
        Assert.False(_container.Exited.IsCompleted); // the command's group is killed, not the container
    }
}

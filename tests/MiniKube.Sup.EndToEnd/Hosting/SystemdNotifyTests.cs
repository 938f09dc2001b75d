using System.Text.Json;
using MiniKube.Sup.Processes;

namespace MiniKube.Sup.EndToEnd.Hosting;

/// <summary>`sup run` under a service manager: the real executable told of a NOTIFY_SOCKET the test binds itself
/// (as systemd's Type=notify does), and its output as journald and log shippers read it (a pipe).</summary>
public sealed class SystemdNotifyTests : IAsyncLifetime
{
    private readonly string _dir = Directory.CreateTempSubdirectory("sup-notify-").FullName;
    private string StateDir => Path.Combine(_dir, "state");

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await Leftovers.AssertNoneAsync(new StatePaths(StateDir));
        Directory.Delete(_dir, recursive: true);
    }

    private string Manifest(string yaml)
    {
        var path = Path.Combine(_dir, "supervisor.yaml");
        File.WriteAllText(path, yaml.Replace("TESTAPP", Binaries.TestApp));
        return path;
    }

    private const string OnePod = """
        apiVersion: v1
        kind: Pod
        metadata:
          name: app
        spec:
          terminationGracePeriodSeconds: 5
          containers:
            - name: main
              command: ["TESTAPP"]
              args: ["--print-env", "NOTIFY_SOCKET", "--print-env", "WATCHDOG_USEC", "--print", "app-up"]
        """;

    private Task<(int Code, string Out, string Err)> Sup(params string[] args) => SupDaemon.Run(Binaries.Sup, [.. args, "--state-dir", StateDir]);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Under_a_notify_socket_sup_says_READY_once_the_API_answers_then_STATUS_WATCHDOG_pings_and_STOPPING_on_SIGTERM(bool abstractSocket)
    {
        using var systemd = new NotifyListener(_dir, abstractSocket);
        await using var sup = SupProcess.StartWith(new Dictionary<string, string?>
        {
            ["NOTIFY_SOCKET"] = systemd.Address,
            ["WATCHDOG_USEC"] = "2000000",
        }, "run", "-f", Manifest(OnePod), "--state-dir", StateDir);

        await systemd.WaitForAsync(a => a == "READY=1", "READY=1");
        // READY=1 means the API answers and the files' objects are in the store.
        var (code, pods, err) = await Sup("get", "pods", "-o", "name");
        Assert.True(code == 0, err);
        Assert.Contains("pod/app", pods);

        await systemd.WaitForAsync(a => a == "STATUS=1 pod: 1 ready", "the pod counts");
        await systemd.WaitForAsync(a => a == "WATCHDOG=1", "a first watchdog ping");
        var pings = systemd.Assignments.Count(a => a == "WATCHDOG=1");
        await systemd.WaitForAsync(_ => systemd.Assignments.Count(a => a == "WATCHDOG=1") >= pings + 2, "the watchdog pinged again, and again");
        // The pods inherit the daemon's environment, but not systemd's variables: they are the daemon's to answer.
        await sup.WaitForLineAsync("app/main | app-up");
        Assert.Contains("app/main | NOTIFY_SOCKET=", sup.Lines);
        Assert.Contains("app/main | WATCHDOG_USEC=", sup.Lines);

        sup.Signal(Native.SIGTERM);
        Assert.Equal(0, await sup.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        var said = systemd.Assignments;
        Assert.Contains("STOPPING=1", said);
        Assert.True(said.IndexOf("READY=1") < said.IndexOf("STOPPING=1"), string.Join(" | ", said));
        Assert.Single(said, a => a == "READY=1");
        Assert.All(said, a => Assert.Matches("^(READY=1|STOPPING=1|WATCHDOG=1|STATUS=.+)$", a));
    }

    [Fact]
    public async Task With_ready_when_all_ready_READY_waits_until_a_pod_that_becomes_ready_later_is_Ready()
    {
        var unready = Path.Combine(_dir, "not-yet");
        File.WriteAllText(unready, "");
        var port = SupDaemon.FreePort();
        var manifest = Manifest($$"""
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: web
            spec:
              replicas: 1
              selector: { matchLabels: { app: web } }
              template:
                metadata: { labels: { app: web } }
                spec:
                  terminationGracePeriodSeconds: 5
                  containers:
                    - name: http
                      command: ["TESTAPP"]
                      args: ["--http", "{{port}}", "--unready-when-exists", "{{unready}}", "--print", "web-up"]
                      readinessProbe:
                        httpGet: { path: /ready, port: {{port}} }
                        periodSeconds: 1
            ---
            apiVersion: batch/v1
            kind: Job
            metadata:
              name: forever
            spec:
              template:
                spec:
                  restartPolicy: Never
                  terminationGracePeriodSeconds: 5
                  containers:
                    - name: work
                      command: ["TESTAPP"]
                      args: ["--print", "job-running"]
            """);
        using var systemd = new NotifyListener(_dir, @abstract: false);
        await using var sup = SupProcess.StartWith(new Dictionary<string, string?> { ["NOTIFY_SOCKET"] = systemd.Address },
            "run", "-f", manifest, "--state-dir", StateDir, "--ready-when", "all-ready");

        // Both pods run; the Job's pod is Ready (it has no probe), the Deployment's is not: no READY=1 yet.
        await sup.WaitForLineAsync("| web-up");
        await sup.WaitForLineAsync("| job-running");
        await systemd.WaitForAsync(a => a == "STATUS=2 pods: 1 ready, 1 not ready", "the web pod running but not ready");
        Assert.DoesNotContain("READY=1", systemd.Assignments);

        File.Delete(unready);
        await systemd.WaitForAsync(a => a == "READY=1", "READY=1 once the web pod is Ready");
        var (_, pods, _) = await Sup("get", "pods", "-l", "app=web", "-o", "json");
        var web = Assert.Single(JsonDocument.Parse(pods).RootElement.GetProperty("items").EnumerateArray());
        Assert.Contains(web.GetProperty("status").GetProperty("conditions").EnumerateArray(),
            c => c.GetProperty("type").GetString() == "Ready" && c.GetProperty("status").GetString() == "True");
        // The Job's pod still runs: a Job's pods are not waited for.
        var (_, job, _) = await Sup("get", "job", "forever", "-o", "json");
        Assert.Equal(1, JsonDocument.Parse(job).RootElement.GetProperty("status").GetProperty("active").GetInt32());

        sup.Signal(Native.SIGTERM);
        Assert.Equal(0, await sup.WaitForExitAsync(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task With_log_format_json_every_line_is_a_JSON_object_container_lines_with_pod_container_and_stream()
    {
        await using var sup = SupProcess.Start("run", "-f", Manifest(OnePod), "--state-dir", StateDir, "--log-format", "json");
        await sup.WaitForLineAsync("app-up");
        sup.Signal(Native.SIGTERM);
        Assert.Equal(0, await sup.WaitForExitAsync(TimeSpan.FromSeconds(30)));

        var lines = sup.Lines.ToList();
        var records = lines.Select(l => JsonDocument.Parse(l).RootElement).ToList(); // throws on a line that is not JSON
        Assert.All(records, r => Assert.Equal(JsonValueKind.Object, r.ValueKind));
        var container = Assert.Single(records, r => r.TryGetProperty("message", out var m) && m.GetString() == "app-up");
        Assert.Equal("default", container.GetProperty("namespace").GetString());
        Assert.Equal("app", container.GetProperty("pod").GetString());
        Assert.Equal("main", container.GetProperty("container").GetString());
        Assert.Equal("stdout", container.GetProperty("stream").GetString());
        Assert.True(DateTimeOffset.TryParse(container.GetProperty("time").GetString(), out _));
        var daemon = records.Where(r => r.TryGetProperty("level", out _)).ToList();
        Assert.Contains(daemon, r => r.GetProperty("message").GetString() == "all pods stopped" && r.GetProperty("level").GetString() == "info");
        Assert.Contains(daemon, r => r.TryGetProperty("object", out var o) && o.GetString() == "Pod/app");
        Assert.All(daemon, r => Assert.True(r.TryGetProperty("time", out _)));
    }

    [Fact]
    public async Task Through_a_pipe_the_output_has_no_escape_codes_even_with_a_terminal_type_and_colour_allowed()
    {
        await using var sup = SupProcess.StartWith(new Dictionary<string, string?> { ["NO_COLOR"] = null, ["TERM"] = "xterm-256color" },
            "run", "-f", Manifest(OnePod), "--state-dir", StateDir);
        await sup.WaitForLineAsync("app/main | app-up");
        // Long enough for the live status line's first redraw, were it on.
        await sup.WaitForLineAsync("Started container main");
        sup.Signal(Native.SIGTERM);
        Assert.Equal(0, await sup.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        Assert.Contains("all pods stopped", sup.Output);
        Assert.DoesNotContain('\e', sup.Output);
        // Without NOTIFY_SOCKET nothing is sent, and nothing is said about it.
        Assert.DoesNotContain("cannot send to systemd", sup.Output);
    }
}

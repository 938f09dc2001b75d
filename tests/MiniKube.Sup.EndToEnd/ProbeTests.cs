using k8s.Models;
using MiniKube.Sup.Pods;
using MiniKube.Sup.Processes;

namespace MiniKube.Sup.EndToEnd;

/// <summary>Probes and lifecycle hooks against real processes: the test child serves HTTP, stops listening, or
/// appends to a file on cue; probes run every second. Each test uses its own ports (harnesses share pod IPs).</summary>
public class ProbeTests
{
    private static V1Probe Http(string path, string port, int failureThreshold = 1) => new()
    {
        HttpGet = new V1HTTPGetAction { Path = path, Port = port, Scheme = "HTTP" },
        PeriodSeconds = 1,
        TimeoutSeconds = 1,
        SuccessThreshold = 1,
        FailureThreshold = failureThreshold,
        InitialDelaySeconds = 0,
    };

    private static V1Probe Exec(int failureThreshold, params string[] command) => new()
    {
        Exec = new V1ExecAction { Command = command },
        PeriodSeconds = 1,
        TimeoutSeconds = 1,
        SuccessThreshold = 1,
        FailureThreshold = failureThreshold,
        InitialDelaySeconds = 0,
    };

    private static PodWorker Run(PodHarness h, string name, V1Container container, string restartPolicy = "Always", long grace = 5) =>
        h.Run(new V1Pod
        {
            Metadata = new V1ObjectMeta { Name = name },
            Spec = new V1PodSpec { RestartPolicy = restartPolicy, TerminationGracePeriodSeconds = grace, Containers = [container] },
        });

    private static string Ready(PodHarness h, string pod) =>
        h.Get(pod)?.Status?.Conditions?.FirstOrDefault(c => c.Type == "Ready")?.Status ?? "";

    private static bool HasEvent(PodHarness h, string pod, string reason, string messageStart)
    {
        if (h.Events.Snapshot().Any(e => e.ObjectName == pod && e.Reason == reason && e.Message.StartsWith(messageStart, StringComparison.Ordinal))) return true;
        Console.WriteLine($"no {reason} \"{messageStart}\" among: " + string.Join("\n", h.Events.Snapshot().Select(e => $"{e.ObjectName} {e.Reason}: {e.Message}")));
        return false;
    }

    [Fact]
    public async Task Failing_http_liveness_restarts_the_child_while_failing_readiness_only_makes_the_pod_unready()
    {
        await using var h = new PodHarness();
        var sick = Path.Combine(h.StateDir, "sick");
        var busy = Path.Combine(h.StateDir, "busy");
        var live = PodHarness.TestApp("app", "--http", "18110", "--fail-when-exists", sick, "--sigterm-exit", "3");
        live.Ports = [new V1ContainerPort { Name = "http", ContainerPort = 18110 }];
        live.LivenessProbe = Http("/healthz", "http", failureThreshold: 2);
        var ready = PodHarness.TestApp("app", "--http", "18111", "--unready-when-exists", busy);
        ready.ReadinessProbe = Http("/ready", "18111");
        Run(h, "live", live);
        Run(h, "ready", ready);
        await Poll.Until(() => Ready(h, "live") == "True" && Ready(h, "ready") == "True", "both pods ready");
        await Poll.Until(() => h.Output.Any(l => l.StartsWith("live/app | http on")), "live serving");
        await Task.Delay(2500);
        Assert.Equal(0, h.Status("live").RestartCount);

        File.WriteAllText(sick, "");
        File.WriteAllText(busy, "");
        await Poll.Until(() => h.Status("live").RestartCount >= 1, "liveness restart");
        File.Delete(sick);
        var status = h.Status("live");
        // The child exits 3 on SIGTERM (143 when a second SIGTERM, to a straggler of its group, lands while .NET exits).
        Assert.Equal("Error", status.LastState.Terminated.Reason);
        Assert.NotEqual(0, status.LastState.Terminated.ExitCode);
        Assert.True(HasEvent(h, "live", "Unhealthy", "Liveness probe failed: HTTP probe failed with statuscode: 500"));
        Assert.True(HasEvent(h, "live", "Killing", "Container app failed liveness probe, will be restarted"));

        await Poll.Until(() => Ready(h, "ready") == "False", "readiness failure");
        var condition = h.Get("ready")!.Status.Conditions.Single(c => c.Type == "Ready");
        Assert.Equal("ContainersNotReady", condition.Reason);
        Assert.True(HasEvent(h, "ready", "Unhealthy", "Readiness probe failed: HTTP probe failed with statuscode: 503"));
        await Task.Delay(1500);
        Assert.Equal(0, h.Status("ready").RestartCount);
        Assert.NotNull(h.Status("ready").State.Running);
        File.Delete(busy);
        await Poll.Until(() => Ready(h, "ready") == "True", "ready again");
        await Poll.Until(() => Ready(h, "live") == "True", "restarted child ready");
    }

    [Fact]
    public async Task TcpSocket_liveness_on_a_port_that_closes_restarts_the_child()
    {
        await using var h = new PodHarness();
        var closed = Path.Combine(h.StateDir, "closed");
        var app = PodHarness.TestApp("app", "--listen", "18112", "--stop-listening-when-exists", closed);
        app.LivenessProbe = new V1Probe
        {
            TcpSocket = new V1TCPSocketAction { Port = 18112 },
            PeriodSeconds = 1, TimeoutSeconds = 1, SuccessThreshold = 1, FailureThreshold = 2, InitialDelaySeconds = 0,
        };
        Run(h, "tcp", app);
        await Poll.Until(() => h.Output.Any(l => l.StartsWith("tcp/app | listening")), "listening");
        await Task.Delay(2500);
        Assert.Equal(0, h.Status("tcp").RestartCount);
        File.WriteAllText(closed, "");
        await Poll.Until(() => h.Status("tcp").RestartCount >= 1, "restart after the port closed");
        var ip = h.Get("tcp")!.Status.PodIP;
        Assert.True(HasEvent(h, "tcp", "Unhealthy", $"Liveness probe failed: dial tcp {ip}:18112: connect: connection refused"));
    }

    [Fact]
    public async Task Exec_probe_that_hangs_past_its_timeout_fails_and_its_process_is_killed()
    {
        await using var h = new PodHarness();
        var app = PodHarness.TestApp("app");
        app.LivenessProbe = Exec(2, "sh", "-c", "sleep 30 & sleep 30");
        Run(h, "hang", app);
        await Poll.Until(() => h.Status("hang").RestartCount >= 1, "restart after two timed-out probes", seconds: 20);
        Assert.True(HasEvent(h, "hang", "Unhealthy", "Liveness probe failed: command \"sh -c sleep 30 & sleep 30\" timed out"));
        // Both sleeps of every timed-out probe are gone (the whole group was killed), not only sh.
        await Poll.Until(() => !OwnedSleeps(h).Any(), "no probe process left");
    }

    private static IEnumerable<ProcessInfo> OwnedSleeps(PodHarness h)
    {
        var snapshot = ProcFs.Snapshot();
        var ours = ContainerProcesses.FindByOwnerPrefix(h.Paths.DaemonId + "/", snapshot,
            pid => ProcFs.ReadEnvironmentVariable(pid, ContainerProcesses.OwnerVariable), Environment.ProcessId);
        // The probe that runs now (if any) is younger than a second: only older sleeps are leftovers.
        return ours.Where(p => p.Comm == "sleep");
    }

    [Fact]
    public async Task Exec_readiness_probe_follows_the_commands_real_exit_code()
    {
        await using var h = new PodHarness();
        var flag = Path.Combine(h.StateDir, "flag");
        var app = PodHarness.TestApp("app");
        app.ReadinessProbe = Exec(1, "sh", "-c", $"echo checking; test -e {flag} || exit 3");
        Run(h, "flag", app);
        await Poll.Until(() => HasEvent(h, "flag", "Unhealthy", "Readiness probe failed: checking"), "a failed readiness probe with its output");
        Assert.Equal("False", Ready(h, "flag"));
        File.WriteAllText(flag, "");
        await Poll.Until(() => Ready(h, "flag") == "True", "ready once the command exits 0");
    }

    [Fact]
    public async Task Slow_starter_protected_by_a_startup_probe_is_not_killed_by_liveness()
    {
        await using var h = new PodHarness();
        var app = PodHarness.TestApp("app", "--http", "18113", "--http-delay", "3000");
        app.StartupProbe = Http("/healthz", "18113", failureThreshold: 10);
        app.LivenessProbe = Http("/healthz", "18113");
        Run(h, "slow", app);
        await Poll.Until(() => h.Status("slow").Started == true && Ready(h, "slow") == "True", "started and ready", seconds: 20);
        Assert.Equal(0, h.Status("slow").RestartCount);
        Assert.True(HasEvent(h, "slow", "Unhealthy", "Startup probe failed: Get \"http://"));
        Assert.False(HasEvent(h, "slow", "Unhealthy", "Liveness probe failed"));
    }

    [Fact]
    public async Task PostStart_and_preStop_hooks_run_around_the_child_preStop_before_SIGTERM()
    {
        await using var h = new PodHarness();
        var journal = Path.Combine(h.StateDir, "journal");
        var app = PodHarness.TestApp("app", "--append", journal, "main", "--on-sigterm-append", journal, "sigterm");
        app.Lifecycle = new V1Lifecycle
        {
            PostStart = new V1LifecycleHandler { Exec = new V1ExecAction { Command = ["sh", "-c", $"echo poststart >> {journal}"] } },
            PreStop = new V1LifecycleHandler { Exec = new V1ExecAction { Command = ["sh", "-c", $"echo prestop >> {journal}; sleep 1"] } },
        };
        Run(h, "hooks", app, grace: 10);
        await Poll.Until(() => h.Status("hooks").Started == true, "started after postStart");
        Assert.Contains("poststart", File.ReadAllLines(journal));
        await Poll.Until(() => File.ReadAllLines(journal).Contains("main"), "child running");
        await h.DeleteAsync("hooks").WaitAsync(TimeSpan.FromSeconds(20));
        var lines = File.ReadAllLines(journal);
        var events = string.Join("\n", h.Events.Snapshot().Select(e => $"{e.Reason}: {e.Message}"));
        Assert.True(lines.Contains("prestop"), $"journal: {string.Join(",", lines)}; events:\n{events}");
        Assert.Equal("sigterm", lines[Array.IndexOf(lines, "prestop") + 1]);
    }
}

using System.Diagnostics;
using MiniKube.Sup.Pods;
using MiniKube.Sup.Processes;

namespace MiniKube.Sup.EndToEnd;

public class HostProcessTests
{
    private static int RunningPid(PodHarness h, string pod) =>
        int.Parse(h.Status(pod).ContainerID!.Replace("sup://", ""));

    [Fact]
    public async Task Crashed_container_is_restarted_with_restartCount_1_and_lastState_Error()
    {
        await using var h = new PodHarness();
        h.Run("crashy", "Always", 30, PodHarness.TestApp("app", "--exit-after", "300", "--code", "3"));
        await Poll.Until(() => h.Status("crashy").RestartCount >= 1, "a restart");
        var status = h.Status("crashy");
        Assert.Equal(3, status.LastState.Terminated.ExitCode);
        Assert.Equal("Error", status.LastState.Terminated.Reason);
        Assert.Equal("Running", h.Get("crashy")!.Status.Phase);
    }

    [Fact]
    public async Task Clean_exit_under_OnFailure_is_not_restarted_and_the_pod_succeeds()
    {
        await using var h = new PodHarness();
        var worker = h.Run("once", "OnFailure", 30, PodHarness.TestApp("app", "--print", "done", "--exit", "0"));
        await worker.Finished.WaitAsync(TimeSpan.FromSeconds(15));
        Assert.Equal("Succeeded", worker.Snapshot.Status.Phase);
        Assert.Equal(0, h.Status("once").RestartCount);
        Assert.Equal("Completed", h.Status("once").State.Terminated.Reason);
        Assert.Contains("once/app | done", h.Output);
    }

    [Fact]
    public async Task A_container_with_only_args_runs_its_first_arg()
    {
        await using var h = new PodHarness();
        var worker = h.Run("argsonly", "OnFailure", 30, new k8s.Models.V1Container { Name = "app", Args = [Binaries.TestApp, "--print", "from args", "--exit", "0"] });
        await worker.Finished.WaitAsync(TimeSpan.FromSeconds(15));
        Assert.Equal("Succeeded", worker.Snapshot.Status.Phase);
        Assert.Contains("argsonly/app | from args", h.Output);
    }

    [Fact]
    public async Task Killed_process_comes_back_with_a_new_pid()
    {
        await using var h = new PodHarness();
        h.Run("victim", "Always", 30, PodHarness.TestApp("app"));
        await Poll.Until(() => h.Status("victim").State?.Running is not null, "running");
        var first = RunningPid(h, "victim");
        Native.kill(first, Native.SIGKILL);
        await Poll.Until(() => h.Status("victim").RestartCount == 1 && h.Status("victim").State?.Running is not null, "restart");
        var status = h.Status("victim");
        Assert.NotEqual(first, RunningPid(h, "victim"));
        Assert.Equal(137, status.LastState.Terminated.ExitCode);
        Assert.Equal(9, status.LastState.Terminated.Signal);
        Assert.True(Leftovers.IsGone(first));
    }

    [Fact]
    public async Task Child_ignoring_SIGTERM_is_SIGKILLed_after_its_grace_period()
    {
        await using var h = new PodHarness();
        var worker = h.Run("stubborn", "Always", 2, PodHarness.TestApp("app", "--ignore-sigterm"));
        await Poll.Until(() => h.Output.Contains("stubborn/app | ") || h.Status("stubborn").State?.Running is not null, "running");
        await Task.Delay(500); // let the child install its SIGTERM handler
        var pid = RunningPid(h, "stubborn");
        var clock = Stopwatch.StartNew();
        await h.DeleteAsync("stubborn").WaitAsync(TimeSpan.FromSeconds(20));
        clock.Stop();
        Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(1.9), $"killed after {clock.Elapsed}, before its grace period");
        Assert.Equal(137, worker.Snapshot.Status.ContainerStatuses[0].State.Terminated.ExitCode);
        Assert.Contains("stubborn/app | ignoring SIGTERM", h.Output);
        Assert.True(Leftovers.IsGone(pid));
    }

    /// <summary>kill(-pgid) reaches the group and the cgroup sweep reaches what left it; neither may signal a process
    /// twice (an application's shutdown handler would run twice).</summary>
    [Fact]
    public async Task A_stopping_container_gets_SIGTERM_once()
    {
        await using var h = new PodHarness();
        h.Run("once", "Always", 2, PodHarness.TestApp("app", "--ignore-sigterm"));
        await Poll.Until(() => h.Status("once").State?.Running is not null, "running");
        await Task.Delay(500); // let the child install its SIGTERM handler
        await h.DeleteAsync("once").WaitAsync(TimeSpan.FromSeconds(20));

        Assert.Equal(1, h.Output.Count(l => l == "once/app | ignoring SIGTERM"));
    }

    [Fact]
    public async Task Master_with_six_workers_is_stopped_with_all_seven_processes_gone()
    {
        await using var h = new PodHarness();
        h.Run("apache", "Always", 10, PodHarness.TestApp("app", "--workers", "6"));
        await Poll.Until(() => h.Status("apache").State?.Running is not null, "running");
        var master = RunningPid(h, "apache");
        var owner = $"{h.Paths.DaemonId}/apache/{h.Get("apache")!.Metadata.Uid}/app/1";
        IReadOnlyList<ProcessInfo> processes = [];
        await Poll.Until(() =>
        {
            processes = ContainerProcesses.Find(master, owner, ProcFs.Snapshot(), pid => ProcFs.ReadEnvironmentVariable(pid, ContainerProcesses.OwnerVariable), Environment.ProcessId);
            return processes.Count(p => !p.IsZombie) == 7;
        }, "1 master + 6 workers");
        Assert.Equal(6, processes.Count(p => p.Ppid == master));

        await h.DeleteAsync("apache").WaitAsync(TimeSpan.FromSeconds(20));
        // All seven are dead when the delete returns; the orphaned workers' zombies (in the container's session) are
        // reaped as soon as the reaper sees them, so give that a moment before requiring them gone from /proc.
        Assert.All(processes, p => Assert.True(!ProcFs.TryRead(p.Pid, out var now) || now.IsZombie, $"{p.Pid} is still running"));
        await Poll.Until(() => processes.All(p => Leftovers.IsGone(p.Pid)), "all seven reaped", 5);
    }

    [Fact]
    public async Task Daemonizing_grandchild_is_adopted_reaped_and_killed_with_its_pod()
    {
        await using var h = new PodHarness();
        var pidFile = Path.Combine(h.StateDir, "daemon.pid");
        h.Run("forker", "Always", 5, PodHarness.TestApp("app", "--daemonize", "--daemon-pidfile", pidFile));
        await Poll.Until(() => File.Exists(pidFile) && File.ReadAllText(pidFile).Length > 0, "daemon pid file");
        var daemon = int.Parse(File.ReadAllText(pidFile));
        Assert.True(ProcFs.TryRead(daemon, out var info));
        Assert.NotEqual(RunningPid(h, "forker"), info.Sid); // it left the container's session
        // The intermediate exited: the daemon was reparented to us, the subreaper.
        await Poll.Until(() => ProcFs.TryRead(daemon, out var d) && d.Ppid == Environment.ProcessId, "reparenting to the subreaper");

        await h.DeleteAsync("forker").WaitAsync(TimeSpan.FromSeconds(20));
        await Poll.Until(() => Leftovers.IsGone(daemon), "daemon killed and reaped (no zombie)");
    }

    [Fact]
    public async Task Container_gets_expanded_args_env_and_the_pod_directory_as_working_directory()
    {
        await using var h = new PodHarness();
        var container = PodHarness.TestApp("app", "--print-env", "GREETING", "--print-env", "POD_NAME", "--print-cwd", "--print", "$(GREETING)-$$(GREETING)", "--exit", "0");
        container.Env = [
            new() { Name = "BASE", Value = "hello" },
            new() { Name = "GREETING", Value = "$(BASE) world" },
            new() { Name = "POD_NAME", ValueFrom = new() { FieldRef = new() { FieldPath = "metadata.name" } } },
        ];
        var worker = h.Run("envy", "Never", 30, container);
        await worker.Finished.WaitAsync(TimeSpan.FromSeconds(15));
        Assert.Contains("envy/app | GREETING=hello world", h.Output);
        Assert.Contains("envy/app | POD_NAME=envy", h.Output);
        Assert.Contains($"envy/app | cwd={h.Paths.PodDirectory("envy")}", h.Output);
        Assert.Contains("envy/app | hello world-$(GREETING)", h.Output);
        var log = await File.ReadAllTextAsync(h.Paths.LogFile("envy", h.Get("envy")!.Metadata.Uid, "app", 0));
        Assert.Contains("GREETING=hello world", log);
    }

    [Fact]
    public async Task Missing_executable_fails_with_StartError()
    {
        await using var h = new PodHarness();
        var worker = h.Run("nope", "Never", 30, new k8s.Models.V1Container { Name = "app", Command = ["no-such-binary-here"] });
        await worker.Finished.WaitAsync(TimeSpan.FromSeconds(15));
        Assert.Equal("StartError", h.Status("nope").State.Terminated.Reason);
        Assert.Equal("Failed", worker.Snapshot.Status.Phase);
    }

    [Fact]
    public async Task Containers_of_a_pod_run_side_by_side_and_are_stopped_in_parallel()
    {
        await using var h = new PodHarness();
        h.Run("duo", "Always", 30, PodHarness.TestApp("a"), PodHarness.TestApp("b"));
        await Poll.Until(() => h.Status("duo", "a").State?.Running is not null && h.Status("duo", "b").State?.Running is not null, "both running");
        Assert.Equal("Running", h.Get("duo")!.Status.Phase);
        Assert.Equal("True", h.Get("duo")!.Status.Conditions.Single(c => c.Type == "Ready").Status);
    }
}

public class PodIpTests
{
    [Fact]
    public async Task Each_pod_gets_its_own_loopback_ip_so_replicas_listen_on_the_same_port()
    {
        await using var h = new PodHarness();
        var a = PodHarness.TestApp("app", "--listen", "18080", "--print-env", "POD_IP", "--print-env", "MY_IP");
        a.Env = [new() { Name = "MY_IP", ValueFrom = new() { FieldRef = new() { FieldPath = "status.podIP" } } }];
        // k8s: $(VAR) in args expands a declared variable, the pod's IP from the downward API too.
        var b = PodHarness.TestApp("app", "--listen", "18080", "--print", "my ip is $(POD_IP)");
        b.Env = [new() { Name = "POD_IP", ValueFrom = new() { FieldRef = new() { FieldPath = "status.podIP" } } }];
        h.Run("one", "Always", 5, a);
        h.Run("two", "Always", 5, b);
        await Poll.Until(() => h.Output.Count(l => l.Contains("| listening on 127.")) == 2, "both pods listening on port 18080"); // on the block this harness holds

        var ipOne = h.Get("one")!.Status.PodIP;
        var ipTwo = h.Get("two")!.Status.PodIP;
        Assert.NotEqual(ipOne, ipTwo);
        // A loopback address of this daemon's block (127.0.x.y when it is alone on the host), never the host's 127.0.0.x.
        Assert.Matches(@"^127\.\d+\.\d+\.\d+$", ipOne);
        Assert.False(ipOne.StartsWith("127.0.0.", StringComparison.Ordinal), ipOne);
        Assert.Contains($"one/app | POD_IP={ipOne}", h.Output);
        Assert.Contains($"one/app | MY_IP={ipOne}", h.Output);
        await Poll.Until(() => h.Output.Contains($"two/app | my ip is {ipTwo}"), "two's args with $(POD_IP) expanded");

        foreach (var ip in new[] { ipOne, ipTwo })
        {
            using var client = new System.Net.Sockets.TcpClient();
            await client.ConnectAsync(System.Net.IPAddress.Parse(ip), 18080);
            using var reader = new StreamReader(client.GetStream());
            Assert.Equal($"hello from {ip}", await reader.ReadLineAsync());
        }
    }
}

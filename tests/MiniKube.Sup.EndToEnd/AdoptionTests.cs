using System.Text.Json;
using MiniKube.Sup.Processes;

namespace MiniKube.Sup.EndToEnd;

/// <summary>Issue 20 / SPEC §3: a daemon killed with SIGKILL, or stopped with --keep-running, is followed on the same
/// state dir by one that adopts the containers still running instead of restarting them: same pids, restart counts
/// and start times, output still reaching the logs without a gap, exits still noticed, a Job's running step not run
/// again; and a SIGTERM afterwards leaves nothing behind.</summary>
public sealed class AdoptionTests(Xunit.Abstractions.ITestOutputHelper log) : IAsyncLifetime
{
    private readonly string _dir = Directory.CreateTempSubdirectory("sup-adopt-").FullName;
    private string StateDir => Path.Combine(_dir, "state");
    private string Marker => Path.Combine(_dir, "step-starts");

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await Leftovers.AssertNoneAsync(new StatePaths(StateDir));
        Directory.Delete(_dir, recursive: true);
    }

    private string Manifest(string yaml)
    {
        var path = Path.Combine(_dir, "supervisor.yaml");
        File.WriteAllText(path, yaml.Replace("TESTAPP", Binaries.TestApp).Replace("MARKER", Marker));
        return path;
    }

    private const string StepJob = """
        apiVersion: batch/v1
        kind: Job
        metadata:
          name: steps
        spec:
          backoffLimit: 0
          template:
            spec:
              restartPolicy: Never
              initContainers:
                - name: slow-step
                  command: ["sh", "-c", "echo started >> MARKER; echo step-running; while [ ! -e MARKER.go ]; do sleep 0.1; done; echo step-done"]
              containers:
                - name: last
                  command: ["sh", "-c", "echo last-step"]
        """;

    [Fact]
    public async Task A_daemon_killed_with_kill_9_is_followed_by_one_that_adopts_its_containers()
    {
        var manifest = Manifest(AdoptionChecks.Ticker + "\n---\n" + StepJob);
        AdoptionChecks.ContainerState before;
        await using (var first = SupProcess.Start("run", "-f", manifest, "--state-dir", StateDir, "--backoff-base", "0.2"))
        {
            await first.WaitForLineAsync("steps-", 30);
            await first.WaitForLineAsync("step-running");
            await first.WaitForLineAsync("ticker/count | tick 20");
            before = await RunningAsync("ticker", "count");
            await StatusOnDiskAsync();
            first.Signal(Native.SIGKILL);
            await first.WaitForExitAsync(TimeSpan.FromSeconds(60));
            Show("first daemon", first);
        }
        Assert.True(IsAlive(before.Pid), "the container outlived the SIGKILLed daemon, as under any supervisor");
        await Task.Delay(500); // the container writes on while no daemon runs

        await using var second = SupProcess.Start("run", "-f", manifest, "--state-dir", StateDir, "--backoff-base", "0.2");
        try
        {
            await second.WaitForLineAsync("container slow-step adopted");
            // The step goes on only now: it ends under the daemon that adopted it, whatever the machine's load.
            File.WriteAllText(Marker + ".go", "");
            await second.WaitForLineAsync("step-done");
        }
        finally { Show("second daemon", second); }
        var after = await RunningAsync("ticker", "count");
        AdoptionChecks.AssertKept(before, after, "ticker/count");
        await Poll.Until(() => Sup("get", "job", "steps", "-o", "jsonpath={.status.succeeded}").Result == "1", "the Job complete", 30);
        // The step that ran while the daemon died was adopted, not run again.
        Assert.Equal(["started"], File.ReadAllLines(Marker));
        await AssertTicksContiguousAsync();

        second.Signal(Native.SIGTERM);
        Assert.Equal(0, await second.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        Assert.False(IsAlive(before.Pid));
    }

    [Fact]
    public async Task A_stop_with_keep_running_leaves_host_containers_for_the_next_start_to_adopt()
    {
        var manifest = Manifest(AdoptionChecks.Ticker);
        AdoptionChecks.ContainerState before;
        await using (var first = SupProcess.Start("run", "--keep-running", "-f", manifest, "--state-dir", StateDir, "--backoff-base", "0.2"))
        {
            await first.WaitForLineAsync("ticker/count | tick 10");
            before = await RunningAsync("ticker", "count");
            first.Signal(Native.SIGTERM);
            Assert.Equal(0, await first.WaitForExitAsync(TimeSpan.FromSeconds(30)));
            Assert.Contains("--keep-running", first.Output);
        }
        Assert.True(IsAlive(before.Pid), "--keep-running left the container running");
        await Task.Delay(1000); // 20 lines wait in its pipe

        await using var second = SupProcess.Start("run", "-f", manifest, "--state-dir", StateDir, "--backoff-base", "0.2");
        await second.WaitForLineAsync("adopting");
        var last = AdoptionChecks.LastTick(await LogAsync());
        await second.WaitForLineAsync($"ticker/count | tick {last + 5}");
        var after = await RunningAsync("ticker", "count");
        AdoptionChecks.AssertKept(before, after, "ticker/count");
        await AssertTicksContiguousAsync();

        second.Signal(Native.SIGTERM);
        Assert.Equal(0, await second.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        Assert.False(IsAlive(before.Pid));
    }

    [Fact]
    public async Task An_adopted_container_that_exits_is_restarted_with_its_exit_code_and_one_that_ended_while_no_daemon_ran_is_reported_unknown()
    {
        var manifest = Manifest("""
            apiVersion: v1
            kind: Pod
            metadata:
              name: quitter
            spec:
              terminationGracePeriodSeconds: 5
              containers:
                - name: app
                  command: ["sh", "-c", "echo quitter-up; while ! rm MARKER.quit 2>/dev/null; do sleep 0.1; done; exit 3"]
            """);
        AdoptionChecks.ContainerState before;
        await using (var first = SupProcess.Start("run", "-f", manifest, "--state-dir", StateDir, "--backoff-base", "0.2"))
        {
            await first.WaitForLineAsync("quitter/app | quitter-up");
            before = await RunningAsync("quitter", "app");
            await StatusOnDiskAsync();
            first.Signal(Native.SIGKILL);
            await first.WaitForExitAsync(TimeSpan.FromSeconds(60));
        }
        await using (var second = SupProcess.Start("run", "-f", manifest, "--state-dir", StateDir, "--backoff-base", "0.2"))
        {
            // Told to exit once it is adopted (its pidfd held: its exit code can be read); one that ends before that
            // is reported ContainerStatusUnknown (HostProcessRuntimeTests). Through a file, each instance taking it
            // once, not a trapped signal.
            await second.WaitForLineAsync("container app adopted");
            File.WriteAllText(Marker + ".quit", "");
            // Its exit is noticed though it is not the daemon's child, with the code it exited with where the kernel
            // tells it (PIDFD_INFO_EXIT, Linux 6.15), and it is restarted as any container is.
            try { await Poll.Until(() => StatusAsync("quitter", "app").Result is { RestartCount: 1, Pid: > 0 } s && s.Pid != before.Pid, "the adopted container restarted", 30); }
            catch (TimeoutException)
            {
                Show("second daemon", second);
                log.WriteLine($"quit file still there: {File.Exists(Marker + ".quit")}; /proc/{before.Pid}/status:");
                try { log.WriteLine(File.ReadAllText($"/proc/{before.Pid}/status")); } catch (IOException e) { log.WriteLine(e.Message); }
                log.WriteLine("status: " + await Sup("get", "pod", "quitter", "-o", "json"));
                throw;
            }
            var last = await LastTerminationAsync("quitter", "app");
            Assert.True(last.ExitCode == 3 || last.Reason == "ContainerStatusUnknown", $"last state: {last}");
            if (Environment.OSVersion.Version >= new Version(6, 15)) Assert.Equal((3, "Error"), (last.ExitCode, last.Reason));

            var restarted = await RunningAsync("quitter", "app");
            await StatusOnDiskAsync();
            second.Signal(Native.SIGKILL);
            await second.WaitForExitAsync(TimeSpan.FromSeconds(60));
            // It ends while no daemon runs.
            Native.kill(-restarted.Pid, Native.SIGKILL);
            await Poll.Until(() => !IsAlive(restarted.Pid), "the container gone");
        }
        await using var third = SupProcess.Start("run", "-f", manifest, "--state-dir", StateDir, "--backoff-base", "0.2");
        await Poll.Until(() => StatusAsync("quitter", "app").Result is { RestartCount: 2, Pid: > 0 }, "the lost container started again", 30);
        var lost = await LastTerminationAsync("quitter", "app");
        Assert.Equal((137, "ContainerStatusUnknown"), (lost.ExitCode, lost.Reason));
        third.Signal(Native.SIGTERM);
        Assert.Equal(0, await third.WaitForExitAsync(TimeSpan.FromSeconds(30)));
    }

    /// <summary>README, Jobs: a step that ended while no daemon ran counts as failed (ContainerStatusUnknown); under
    /// restartPolicy Never that is a failed pod, counted against backoffLimit, and the Job runs a new pod from its
    /// first step while the limit allows.</summary>
    [Fact]
    public async Task A_Job_step_that_ended_while_no_daemon_ran_is_reported_unknown_and_counted_against_backoffLimit_then_retried()
    {
        // The first run hangs (a line in MARKER); the second, in a new pod, finds two lines and succeeds.
        var manifest = Manifest("""
            apiVersion: batch/v1
            kind: Job
            metadata:
              name: retried
            spec:
              backoffLimit: 1
              template:
                spec:
                  restartPolicy: Never
                  containers:
                    - name: step
                      command: ["sh", "-c", "echo $HOSTNAME >> MARKER; if [ $(wc -l < MARKER) -ge 2 ]; then echo step-done; exit 0; fi; echo step-running; while true; do sleep 0.1; done"]
            """);
        string lostPod;
        AdoptionChecks.ContainerState lost;
        await using (var first = SupProcess.Start("run", "-f", manifest, "--state-dir", StateDir, "--job-backoff-base", "0.2"))
        {
            await first.WaitForLineAsync("step-running");
            lostPod = File.ReadAllLines(Marker).Single();
            lost = await RunningAsync(lostPod, "step");
            await StatusOnDiskAsync();
            first.Signal(Native.SIGKILL);
            await first.WaitForExitAsync(TimeSpan.FromSeconds(60));
        }
        // The step ends while no daemon runs: nobody is left to read its exit status.
        Native.kill(-lost.Pid, Native.SIGKILL);
        await Poll.Until(() => !IsAlive(lost.Pid), "the step gone");

        await using var second = SupProcess.Start("run", "-f", manifest, "--state-dir", StateDir, "--job-backoff-base", "0.2");
        try { await Poll.Until(() => Sup("get", "job", "retried", "-o", "jsonpath={.status.succeeded}").Result == "1", "the Job complete on its retry", 60); }
        finally { Show("second daemon", second); }
        var pods = File.ReadAllLines(Marker);
        Assert.Equal(2, pods.Length);
        Assert.Equal(lostPod, pods[0]);
        Assert.NotEqual(lostPod, pods[1]);
        // The lost step as the kubelet reports a container it lost, its pod failed.
        var pod = JsonDocument.Parse(await Sup("get", "pod", lostPod, "-o", "json")).RootElement.GetProperty("status");
        var terminated = pod.GetProperty("containerStatuses")[0].GetProperty("state").GetProperty("terminated");
        Assert.Equal((137, HostProcessUnknown), (terminated.GetProperty("exitCode").GetInt32(), terminated.GetProperty("reason").GetString()));
        Assert.Equal("Failed", pod.GetProperty("phase").GetString());
        // Counted once against backoffLimit 1, which allowed the retry.
        Assert.Equal("1", await Sup("get", "job", "retried", "-o", "jsonpath={.status.failed}"));
        Assert.Contains("Complete", await Sup("get", "job", "retried", "-o", "jsonpath={.status.conditions[*].type}"), StringComparison.Ordinal);

        second.Signal(Native.SIGTERM);
        Assert.Equal(0, await second.WaitForExitAsync(TimeSpan.FromSeconds(30)));
    }

    /// <summary>What a host container writes while no daemon runs waits in its named pipe, which a root daemon enlarges
    /// to <see cref="Runtime.OutputFifo.Capacity"/> (the kernel's 64 KiB otherwise): half of that is written at once;
    /// more than that makes the container's write wait until the next daemon reads; and every line reaches the log.</summary>
    [Fact]
    public async Task Output_written_while_no_daemon_runs_waits_in_the_pipe_up_to_its_size_then_the_writer_waits_and_no_line_is_lost()
    {
        var capacity = Native.geteuid() == 0 ? Runtime.OutputFifo.Capacity : 64 * 1024;
        const int lineBytes = 64; // "line 00001 " + 52 x + newline
        int half = capacity / 2 / lineBytes, total = half + capacity / lineBytes;
        var pad = new string('x', lineBytes - "line 00001 ".Length - 1);
        var manifest = Manifest($$"""
            apiVersion: v1
            kind: Pod
            metadata:
              name: writer
            spec:
              terminationGracePeriodSeconds: 5
              containers:
                - name: app
                  command: ["sh", "-c", "echo writer-up; while [ ! -e MARKER.go ]; do sleep 0.1; done; i=0; while [ $i -lt {{total}} ]; do i=$((i+1)); printf 'line %05d {{pad}}\n' $i; if [ $i -eq {{half}} ]; then touch MARKER.half; fi; done; touch MARKER.all; while true; do sleep 1; done"]
            """);
        AdoptionChecks.ContainerState before;
        await using (var first = SupProcess.Start("run", "-f", manifest, "--state-dir", StateDir, "--backoff-base", "0.2"))
        {
            await first.WaitForLineAsync("writer/app | writer-up");
            before = await RunningAsync("writer", "app");
            await StatusOnDiskAsync();
            first.Signal(Native.SIGKILL);
            await first.WaitForExitAsync(TimeSpan.FromSeconds(60));
        }
        File.WriteAllText(Marker + ".go", "");
        // Half the pipe's size goes in without a reader...
        await Poll.Until(() => File.Exists(Marker + ".half"), $"{half * lineBytes / 1024} KiB written while no daemon runs", 30);
        // ...and beyond its size the write waits, the container alive, for a daemon to read.
        await Task.Delay(2000);
        Assert.False(File.Exists(Marker + ".all"), $"{total * lineBytes / 1024} KiB written into a pipe of {capacity / 1024} KiB with no reader");
        Assert.True(IsAlive(before.Pid));

        await using var second = SupProcess.Start("run", "-f", manifest, "--state-dir", StateDir, "--backoff-base", "0.2");
        await second.WaitForLineAsync("container app adopted");
        await Poll.Until(() => File.Exists(Marker + ".all"), "the rest written once the adopting daemon reads", 30);
        await second.WaitForLineAsync($"writer/app | line {total:D5} ");
        AdoptionChecks.AssertKept(before, await RunningAsync("writer", "app"), "writer/app");
        var lines = (await AdoptionChecks.LogAsync(StateDir, "writer")).Split('\n').Where(l => l.StartsWith("line ", StringComparison.Ordinal)).ToList();
        Assert.Equal(Enumerable.Range(1, total).Select(i => $"line {i:D5} {pad}"), lines);

        second.Signal(Native.SIGTERM);
        Assert.Equal(0, await second.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        Assert.False(IsAlive(before.Pid));
    }

    [Fact]
    public async Task A_pod_whose_manifest_changed_while_no_daemon_ran_is_adopted_then_replaced_and_one_removed_is_stopped()
    {
        var manifest = Manifest(AdoptionChecks.Ticker + "\n---\n" + AdoptionChecks.Ticker.Replace("name: ticker", "name: other"));
        int ticker, other;
        await using (var first = SupProcess.Start("run", "-f", manifest, "--state-dir", StateDir, "--backoff-base", "0.2"))
        {
            await first.WaitForLineAsync("ticker/count | tick 5");
            await first.WaitForLineAsync("other/count | tick 5");
            ticker = (await RunningAsync("ticker", "count")).Pid;
            other = (await RunningAsync("other", "count")).Pid;
            await StatusOnDiskAsync();
            first.Signal(Native.SIGKILL);
            await first.WaitForExitAsync(TimeSpan.FromSeconds(60));
        }
        // The next start's files change ticker's command and drop the other pod.
        Manifest(AdoptionChecks.Ticker.Replace("echo tick $i", "echo tock $i"));
        await using var second = SupProcess.Start("run", "-f", manifest, "--state-dir", StateDir, "--backoff-base", "0.2");
        await second.WaitForLineAsync("ticker/count | tock 5");
        await Poll.Until(() => !IsAlive(ticker) && !IsAlive(other), "the adopted instances stopped");
        Assert.Contains("Killing: Stopping container count", second.Output);
        Assert.Equal("pod/ticker", await Sup("get", "pods", "-o", "name"));
        Assert.NotEqual(ticker, (await RunningAsync("ticker", "count")).Pid);
        second.Signal(Native.SIGTERM);
        Assert.Equal(0, await second.WaitForExitAsync(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task After_a_normal_stop_the_next_start_runs_every_pod_afresh()
    {
        var manifest = Manifest(AdoptionChecks.Ticker);
        await using (var first = SupProcess.Start("run", "-f", manifest, "--state-dir", StateDir, "--backoff-base", "0.2"))
        {
            await first.WaitForLineAsync("ticker/count | tick 3");
            await StatusOnDiskAsync();
            first.Signal(Native.SIGTERM);
            Assert.Equal(0, await first.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        }
        await using var second = SupProcess.Start("run", "-f", manifest, "--state-dir", StateDir, "--backoff-base", "0.2");
        // The daemon stopped its containers itself: nothing was lost, so no restart is counted.
        Assert.Equal(0, (await RunningAsync("ticker", "count")).RestartCount);
        Assert.DoesNotContain("adopting", second.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(" adopted (pid ", second.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(HostProcessUnknown, await Sup("get", "pod", "ticker", "-o", "json"), StringComparison.Ordinal);
        second.Signal(Native.SIGTERM);
        Assert.Equal(0, await second.WaitForExitAsync(TimeSpan.FromSeconds(30)));
    }

    private const string HostProcessUnknown = "ContainerStatusUnknown";

    private sealed record Termination(int ExitCode, string Reason);

    private async Task<string> Sup(params string[] args)
    {
        var (code, output, err) = await SupDaemon.Run(Binaries.Sup, [.. args, "--state-dir", StateDir]);
        return code == 0 ? output.Trim() : "";
    }

    private Task<AdoptionChecks.ContainerState> RunningAsync(string pod, string container) => AdoptionChecks.RunningAsync(StateDir, pod, container);

    private Task<AdoptionChecks.ContainerState> StatusAsync(string pod, string container) => AdoptionChecks.StatusAsync(StateDir, pod, container);

    private async Task<Termination> LastTerminationAsync(string pod, string container)
    {
        var json = await Sup("get", "pod", pod, "-o", "json");
        var c = JsonDocument.Parse(json).RootElement.GetProperty("status").GetProperty("containerStatuses").EnumerateArray()
            .First(s => s.GetProperty("name").GetString() == container);
        var t = c.GetProperty("lastState").GetProperty("terminated");
        return new Termination(t.GetProperty("exitCode").GetInt32(), t.GetProperty("reason").GetString()!);
    }

    /// <summary>A status is written to disk in batches (<c>ObjectStore.FlushInterval</c>, 50 ms), not at once: a kill
    /// before it is there leaves nothing to adopt, so the tests kill the daemon only once it has had the time.</summary>
    private static Task StatusOnDiskAsync() => Task.Delay(1000);

    private Task<string> LogAsync() => AdoptionChecks.LogAsync(StateDir, "ticker");

    private Task AssertTicksContiguousAsync() => AdoptionChecks.AssertTicksContiguousAsync(StateDir);

    /// <summary>A daemon's output but the ticks, for the test's log.</summary>
    private void Show(string which, SupProcess sup) =>
        log.WriteLine($"--- {which}:\n" + string.Join("\n", sup.Lines.Where(l => !l.StartsWith("ticker/count | tick", StringComparison.Ordinal))));

    private static bool IsAlive(int pid) => ProcFs.TryRead(pid, out var p) && !p.IsZombie;
}

using System.Diagnostics;
using System.Text.Json;
using MiniKube.Sup.Processes;
using MiniKube.Sup.Runtime;
using Xunit.Abstractions;

namespace MiniKube.Sup.EndToEnd;

/// <summary>resources.limits of host pods through real cgroups (this machine: the v1 memory and cpu hierarchies,
/// nested under the daemon's own cgroup): the kernel's OOM killer ends a container over its memory limit, the cpu
/// quota is in its cgroup while it runs, every limit cgroup goes with its container and with a killed daemon, and
/// a daemon that cannot apply them runs the pod anyway and says why.</summary>
public sealed class HostLimitsTests(ITestOutputHelper output)
{
    private static string Pod(string name, string restartPolicy, string args, string limits) => $$"""
        apiVersion: v1
        kind: Pod
        metadata: {name: {{name}}}
        spec:
          restartPolicy: {{restartPolicy}}
          terminationGracePeriodSeconds: 2
          containers:
          - name: app
            command: ["TESTAPP"]
            args: [{{args}}]
            resources:
              limits: {{limits}}
        """;

    /// <summary>The pod's first container status; undefined while the API does not answer (a restarted daemon's
    /// socket file may be the killed one's until the new one publishes its own).</summary>
    private static async Task<JsonElement> ContainerStatus(SupDaemon d, string pod)
    {
        var (code, json, _) = await d.Sup("get", "pod", pod, "-o", "json");
        if (code != 0) return default;
        var status = JsonDocument.Parse(json).RootElement.GetProperty("status");
        return status.TryGetProperty("containerStatuses", out var s) ? s[0].Clone() : default;
    }

    private static int RunningPid(JsonElement status) =>
        status.ValueKind == JsonValueKind.Object && status.GetProperty("state").TryGetProperty("running", out _)
            ? int.Parse(status.GetProperty("containerID").GetString()!.Replace("sup://", "")) : 0;

    /// <summary>Where process <paramref name="pid"/> is in a controller's v1 hierarchy.</summary>
    private static string? V1Cgroup(int pid, string controller)
    {
        try { return CgroupV1Mounts.OwnDirectory(controller, File.ReadAllText("/proc/self/mountinfo"), File.ReadAllText($"/proc/{pid}/cgroup"), out _); }
        catch (IOException) { return null; }
    }

    private static async Task<string> Inode(string path)
    {
        var (code, text, err) = await SupDaemon.Run("stat", ["-c", "%i", path]);
        Assert.True(code == 0, err);
        return text.Trim();
    }

    private static string Read(string directory, string file) => File.ReadAllText(Path.Combine(directory, file)).Trim();

    [Fact]
    public async Task A_host_container_over_its_50Mi_memory_limit_is_OOMKilled_with_exit_code_137_and_restarted()
    {
        await using var d = new SupDaemon(Pod("hog", "OnFailure", "--allocate, \"300\"", "{memory: 50Mi}"));
        await d.StartAsync();
        JsonElement status = default;
        await Poll.Until(() =>
        {
            status = ContainerStatus(d, "hog").GetAwaiter().GetResult();
            return status.ValueKind == JsonValueKind.Object && status.GetProperty("restartCount").GetInt32() >= 1
                && status.GetProperty("lastState").TryGetProperty("terminated", out _);
        }, "a restart after the OOM kill", 60);
        var terminated = status.GetProperty("lastState").GetProperty("terminated");
        Assert.Equal("OOMKilled", terminated.GetProperty("reason").GetString());
        Assert.Equal(137, terminated.GetProperty("exitCode").GetInt32());
        Assert.DoesNotContain("allocated all 300 MiB", d.Process.Output);

        var (_, describe, _) = await d.Sup("describe", "pod", "hog");
        Assert.Contains("Limits Applied: memory 50Mi applied (cgroup v", describe);
        Assert.Contains("OOMKilled", describe);
        Assert.Equal(0, await d.StopAsync()); // and no cgroup left in any hierarchy (Leftovers)
    }

    [Fact]
    public async Task A_cpu_limit_of_200m_is_the_quota_of_the_containers_cgroup_and_its_exec_probes_while_it_runs_and_goes_with_it()
    {
        await using var d = new SupDaemon("");
        var probed = Path.Combine(d.Dir, "probe-cgroup");
        // An exec probe runs as the container's processes do: under its limits.
        d.WriteManifest(Pod("spin", "Always", "--print, up", "{cpu: 200m, memory: 100Mi}") + $$"""

                readinessProbe:
                  exec: {command: ["sh", "-c", "grep -E ':cpu:|:memory:' /proc/self/cgroup > {{probed}}"]}
                  periodSeconds: 1
            """);
        await d.StartAsync();
        var pid = 0;
        await Poll.Until(() => (pid = RunningPid(ContainerStatus(d, "spin").GetAwaiter().GetResult())) > 0, "running", 30);

        var cpu = V1Cgroup(pid, "cpu");
        var memory = V1Cgroup(pid, "memory");
        Assert.NotNull(cpu);
        Assert.NotNull(memory);
        Assert.Contains("/sup-", cpu);
        Assert.Equal("20000", Read(cpu, "cpu.cfs_quota_us"));
        Assert.Equal("100000", Read(cpu, "cpu.cfs_period_us"));
        Assert.Equal("104857600", Read(memory, "memory.limit_in_bytes"));
        Assert.Contains(pid.ToString(System.Globalization.CultureInfo.InvariantCulture), File.ReadAllLines(Path.Combine(cpu, "cgroup.procs")));
        await Poll.Until(() => File.Exists(probed) && File.ReadAllText(probed).Length > 0, "the probe's cgroups", 15);
        var probeCgroups = File.ReadAllText(probed);
        Assert.Contains(":cpu:" + cpu["/sys/fs/cgroup/cpu".Length..], probeCgroups);
        Assert.Contains("/sup-", probeCgroups.Split('\n').First(l => l.Contains(":memory:", StringComparison.Ordinal)));
        var (_, describe, _) = await d.Sup("describe", "pod", "spin");
        Assert.Contains("cpu 200m applied (cgroup v1 cpu, 20000 us per 100000 us)", describe);

        var (code, _, err) = await d.Sup("delete", "pod", "spin");
        Assert.True(code == 0, err);
        await Poll.Until(() => !Directory.Exists(cpu) && !Directory.Exists(memory), "the container's limit cgroups removed with it", 15);
        Assert.True(Leftovers.IsGone(pid));
        Assert.Equal(0, await d.StopAsync());
    }

    [Fact]
    public async Task A_killed_daemons_limit_cgroups_are_swept_at_its_next_start()
    {
        await using var d = new SupDaemon(Pod("steady", "Always", "--print, up", "{memory: 80Mi}"));
        await d.StartAsync();
        var first = 0;
        await Poll.Until(() => (first = RunningPid(ContainerStatus(d, "steady").GetAwaiter().GetResult())) > 0, "running", 30);
        var memory = V1Cgroup(first, "memory")!;
        await Task.Delay(1000); // its status reaches the disk (batched every 50 ms)
        d.Process.Signal(Native.SIGKILL);
        await d.Process.WaitForExitAsync(TimeSpan.FromSeconds(60));
        await d.Process.DisposeAsync();
        Assert.Contains(first.ToString(System.Globalization.CultureInfo.InvariantCulture), File.ReadAllLines(Path.Combine(memory, "cgroup.procs")));
        // Its container ends too while no daemon runs: nothing is left to adopt, so what it leaves is swept.
        Native.kill(first, Native.SIGKILL);
        await Poll.Until(() => !File.ReadAllLines(Path.Combine(memory, "cgroup.procs")).Any(l => l.Length > 0), "the container gone from its cgroup");

        await d.StartAsync();
        var second = 0;
        await Poll.Until(() => (second = RunningPid(ContainerStatus(d, "steady").GetAwaiter().GetResult())) is > 0 && second != first, "running again", 30);
        Assert.True(Leftovers.IsGone(first) || (ProcFs.TryRead(first, out var zombie) && zombie.IsZombie));
        // The lost instance's cgroup was removed; the next instance (counted on from the stored status) has its own.
        Assert.False(Directory.Exists(memory));
        Assert.NotEqual(memory, V1Cgroup(second, "memory"));
        // Only the new instance is in the daemon's memory tree.
        var tree = Leftovers.LimitTreeDirectories(new StatePaths(d.StateDir)).First(t => t.Contains("/memory/", StringComparison.Ordinal));
        var members = Directory.EnumerateFiles(tree, "cgroup.procs", SearchOption.AllDirectories).SelectMany(File.ReadAllLines).Where(l => l.Length > 0).ToList();
        Assert.Equal([second.ToString(System.Globalization.CultureInfo.InvariantCulture)], members);
        Assert.Equal(0, await d.StopAsync());
    }

    [Fact]
    public async Task A_container_adopted_after_a_kill_9_keeps_its_limit_cgroups()
    {
        await using var d = new SupDaemon(Pod("steady", "Always", "--print, up", "{memory: 80Mi}"));
        await d.StartAsync();
        var first = 0;
        await Poll.Until(() => (first = RunningPid(ContainerStatus(d, "steady").GetAwaiter().GetResult())) > 0, "running", 30);
        var memory = V1Cgroup(first, "memory")!;
        var inode = await Inode(memory);
        await Task.Delay(1000); // its status reaches the disk (batched every 50 ms)
        d.Process.Signal(Native.SIGKILL);
        await d.Process.WaitForExitAsync(TimeSpan.FromSeconds(60));
        await d.Process.DisposeAsync();

        await d.StartAsync();
        await Poll.Until(() => d.Sup("get", "pods").GetAwaiter().GetResult().Code == 0, "the API of the new daemon", 30);
        Assert.Equal(first, RunningPid(await ContainerStatus(d, "steady")));
        Assert.Equal(inode, await Inode(memory));
        Assert.Equal(memory, V1Cgroup(first, "memory"));
        Assert.Equal(0, await d.StopAsync());
        Assert.True(Leftovers.IsGone(first));
    }

    [Fact]
    public async Task Where_the_daemon_cannot_apply_limits_the_pod_runs_and_describe_and_a_Warning_say_why()
    {
        await using var d = new SupDaemon(Pod("free", "Always", "--print, up", "{memory: 50Mi, cpu: 200m}"))
        {
            Launcher = ["env", $"{ProcessTracking.DisableVariable}=0"],
        };
        await d.StartAsync();
        var pid = 0;
        await Poll.Until(() => (pid = RunningPid(ContainerStatus(d, "free").GetAwaiter().GetResult())) > 0, "running", 30);
        string describe = "";
        await Poll.Until(() => (describe = d.Sup("describe", "pod", "free").GetAwaiter().GetResult().Out).Contains("LimitsNotApplied"), "the Warning", 10);
        Assert.Contains("Limits Applied: memory 50Mi not applied: SUP_CGROUPS=0; cpu 200m not applied: SUP_CGROUPS=0", describe);
        Assert.Matches(@"Warning\s+LimitsNotApplied", describe);
        Assert.DoesNotContain("/sup-", File.ReadAllText($"/proc/{pid}/cgroup"));
        Assert.Equal(0, await d.StopAsync());
    }

    /// <summary>What creating, filling and joining the limit cgroups adds to a host container's start (reported, not
    /// asserted): the same `sleep` started through the runtime with and without limits, alternately.</summary>
    [Fact]
    public async Task Start_cost_of_limit_cgroups_is_measured()
    {
        const int rounds = 20;
        var dir = Directory.CreateTempSubdirectory("sup-limits-").FullName;
        var tracking = ProcessTracking.Detect("lim" + Guid.NewGuid().ToString("N")[..8]);
        var runtime = new HostProcessRuntime(new NoOutput(), tracking: tracking);
        var without = new List<double>();
        var with = new List<double>();
        var started = new List<IContainerInstance>();
        try
        {
            for (var i = 0; i < rounds * 2; i++)
            {
                var limited = i % 2 == 1;
                var launch = new ContainerLaunch("bench", "app", ["sleep", "300"], new Dictionary<string, string> { ["PATH"] = "/usr/bin:/bin" },
                    dir, Path.Combine(dir, "logs", $"{i}.log"), $"lim/bench/{i}", "uid", i + 1)
                { Limits = limited ? new ContainerLimits(64L * 1024 * 1024, 0.5m) : ContainerLimits.None };
                var clock = Stopwatch.StartNew();
                var instance = runtime.Start(launch);
                clock.Stop();
                started.Add(instance);
                (limited ? with : without).Add(clock.Elapsed.TotalMilliseconds);
            }
        }
        finally
        {
            foreach (var c in started)
            {
                c.SignalGroup(Native.SIGKILL);
                await c.Exited.WaitAsync(TimeSpan.FromSeconds(10));
                await c.KillRemainingAsync(TimeProvider.System, TimeSpan.FromSeconds(5));
            }
            await tracking.ReleaseAsync(TimeProvider.System);
            Directory.Delete(dir, recursive: true);
        }
        // The limit cgroups' own work (two mkdir, four writes, two rmdir), apart from the spawn's noise.
        var creating = new Stopwatch();
        var removing = new Stopwatch();
        for (var i = 0; i < rounds * 10; i++)
        {
            creating.Start();
            var limits = tracking.CreateLimits("bench", "uid", "app", 1000 + i, null, 64L * 1024 * 1024, 0.5m)!;
            limits.Apply();
            creating.Stop();
            removing.Start();
            await limits.RemoveAsync(TimeProvider.System, TimeSpan.FromSeconds(5));
            removing.Stop();
        }
        await tracking.ReleaseAsync(TimeProvider.System);
        static double Median(List<double> v) => v.Order().ElementAt(v.Count / 2);
        output.WriteLine($"limit cgroups (memory + cpu) created and written: {creating.Elapsed.TotalMilliseconds * 1000 / (rounds * 10):0} us, removed: {removing.Elapsed.TotalMilliseconds * 1000 / (rounds * 10):0} us (mean of {rounds * 10})");
        output.WriteLine($"{tracking.Limits.Description}");
        output.WriteLine($"host container start, median of {rounds}: {Median(without):0.00} ms without limits, {Median(with):0.00} ms with memory and cpu limits (+{Median(with) - Median(without):0.00} ms)");
        Assert.Equal(rounds, with.Count);
    }

    private sealed class NoOutput : IContainerOutput
    {
        public void WriteLine(string pod, string container, string line) { }
    }
}

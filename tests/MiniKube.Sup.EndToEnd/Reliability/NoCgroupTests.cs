using System.Diagnostics;
using System.Text.Json;
using MiniKube.Sup.Processes;
using Xunit.Abstractions;

namespace MiniKube.Sup.EndToEnd.Reliability;

/// <summary>Where the daemon may not create cgroups (not root, no cgroup v2; forced here with SUP_CGROUPS=0) it
/// finds a container's processes by process group and session, owner mark and the subreaper's parent chain, with
/// one /proc scan shared by every container per round.</summary>
[Collection(ReliabilityCollection.Name)]
public sealed class NoCgroupTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly string[] WithoutCgroups = ["env", $"{ProcessTracking.DisableVariable}=0"];
    private readonly string _seconds = Random.Shared.Next(920_000, 929_999).ToString(System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public async Task A_daemonized_process_that_keeps_its_mark_is_shown_and_killed_with_its_pod()
    {
        await using var daemon = new SupDaemon($"""
            apiVersion: v1
            kind: Pod
            metadata:
              name: forker
            spec:
              terminationGracePeriodSeconds: 2
              containers:
                - name: app
                  command: ["sh", "-c", "setsid sh -c '/bin/sleep {_seconds} &'; exec sleep infinity"]
            """) { Launcher = WithoutCgroups };
        await daemon.StartAsync();
        await daemon.Process.WaitForLineAsync("no cgroups (SUP_CGROUPS=0)");
        await Poll.Until(() => Daemonized().Count > 0, $"sleep {_seconds} running", 30);
        var (code, json, err) = await daemon.Sup("ps", "forker", "-o", "json");
        Assert.True(code == 0, err);
        var pids = JsonDocument.Parse(json).RootElement.GetProperty("pods")[0].GetProperty("containers")[0].GetProperty("processes")
            .EnumerateArray().Select(p => p.GetProperty("pid").GetInt32()).ToList();
        Assert.Contains(Daemonized()[0], pids);
        (code, _, err) = await daemon.Sup("delete", "pod/forker");
        Assert.True(code == 0, err);
        await Poll.Until(() => Daemonized().Count == 0, "the daemonized process killed with its pod", 10);
        Assert.Equal(0, await daemon.StopAsync());
        Assert.False(Directory.Exists(Leftovers.TreeDirectory(new StatePaths(daemon.StateDir))));
    }

    [Fact]
    public async Task Stopping_three_hundred_pods_ends_every_process()
    {
        const int count = 300;
        await using var daemon = new SupDaemon(ReliabilityManifests.Pods(count)) { Launcher = WithoutCgroups };
        await daemon.StartAsync();
        await new DaemonObserver(daemon).AllRunningAsync(ReliabilityManifests.Names(count), 120);
        var clock = Stopwatch.StartNew();
        Assert.Equal(0, await daemon.StopAsync());
        output.WriteLine($"{count} pods without cgroups stopped in {clock.Elapsed.TotalSeconds:0.00} s");
    }

    private List<int> Daemonized()
    {
        var wanted = $"/bin/sleep {_seconds}";
        return ProcFs.Snapshot().Where(p => !p.IsZombie && ProcFs.ReadCommandLine(p.Pid) == wanted).Select(p => p.Pid).ToList();
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync()
    {
        foreach (var pid in Daemonized()) Native.kill(pid, Native.SIGKILL);
        return Task.CompletedTask;
    }
}

using Xunit.Abstractions;
using MiniKube.Sup.Processes;

namespace MiniKube.Sup.EndToEnd.Reliability;

/// <summary>Random kill -9 of supervised processes, hundreds of times (thousands with SUP_RELIABILITY_LONG=1).</summary>
[Collection(ReliabilityCollection.Name)]
public sealed class ChaosTests(ITestOutputHelper output)
{
    private const int PodCount = 20;

    [Fact]
    public async Task Every_killed_container_is_restarted_and_counted_with_no_zombie_and_no_fd_growth()
    {
        var seed = ReliabilitySettings.Seed;
        output.WriteLine($"seed {seed}, kills {ReliabilitySettings.Kills} (SUP_RELIABILITY_SEED replays it)");
        var random = new Random(seed);
        var names = ReliabilityManifests.Names(PodCount);
        await using var daemon = new SupDaemon(ReliabilityManifests.Pods(PodCount, testApps: 2)) { BackoffBase = "0" };
        await daemon.StartAsync();
        var watch = new DaemonObserver(daemon);
        await watch.AllRunningAsync(names);

        var kills = names.ToDictionary(n => n, _ => 0);
        var total = 0;
        int? fdsAfterWarmUp = null;
        while (total < ReliabilitySettings.Kills)
        {
            // A round kills 1-5 different pods' processes at once, then waits until each is replaced: the daemon
            // sees several deaths together, and a pod is never killed twice before its restart is visible (so
            // each kill must add exactly one to its restartCount).
            var running = watch.MainProcesses();
            var victims = running.Keys.OrderBy(_ => random.Next()).Take(Math.Min(random.Next(1, 6), ReliabilitySettings.Kills - total)).ToList();
            var killed = victims.ToDictionary(v => v, v => running[v].Pid);
            foreach (var (pod, pid) in killed)
            {
                Assert.Equal(0, Native.kill(pid, Native.SIGKILL));
                kills[pod]++;
                total++;
            }
            await Poll.Until(() =>
            {
                var now = watch.MainProcesses();
                return killed.All(k => now.TryGetValue(k.Key, out var p) && p.Pid != k.Value);
            }, $"restart of {string.Join(", ", killed.Keys)} after kill #{total}", 20);
            if (fdsAfterWarmUp is null && total >= Math.Min(50, ReliabilitySettings.Kills)) fdsAfterWarmUp = watch.OpenFds();
        }

        // The status agrees with what was done: every pod Running, restartCount = the kills it took.
        Dictionary<string, (string Phase, int Restarts)> statuses = [];
        await Poll.Until(() =>
        {
            statuses = watch.PodStatusesAsync().GetAwaiter().GetResult();
            return names.All(n => statuses.TryGetValue(n, out var s) && s.Phase == "Running" && s.Restarts == kills[n]);
        }, "restart counts equal to the kills", 30);
        Assert.Equal(names.Count, watch.MainProcesses().Count);

        await Poll.Until(() => watch.Zombies().Count == 0, "no zombie children of the daemon", 10);
        var fds = watch.OpenFds();
        output.WriteLine($"{total} kills; daemon fds after 50 kills {fdsAfterWarmUp}, at the end {fds}; RSS {watch.RssKiB()} KiB");
        // Flat: a leak of one fd per restart would show hundreds here; the slack is for a log file being rotated
        // or a client connection in flight.
        Assert.InRange(fds, 0, fdsAfterWarmUp!.Value + 16);
        Assert.Equal(0, await daemon.StopAsync());
    }
}

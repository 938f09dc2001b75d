using System.Diagnostics;
using Xunit.Abstractions;
using MiniKube.Sup.Processes;

namespace MiniKube.Sup.EndToEnd.Reliability;

/// <summary>Many pods for a while, with the API in use and the odd container dying: the daemon's memory and fds
/// must stay bounded. Short in CI; SUP_RELIABILITY_LONG=1 (or SUP_RELIABILITY_SOAK_SECONDS) makes it a real soak.</summary>
[Collection(ReliabilityCollection.Name)]
public sealed class SoakTests(ITestOutputHelper output)
{
    private const int PodCount = 200;

    [Fact]
    public async Task Two_hundred_pods_keep_running_with_bounded_memory_and_fds()
    {
        var random = new Random(ReliabilitySettings.Seed);
        var names = ReliabilityManifests.Names(PodCount);
        // Probes join the soak through the container hook of ReliabilityManifests.Pods when they exist.
        await using var daemon = new SupDaemon(ReliabilityManifests.Pods(PodCount)) { BackoffBase = "0" };
        await daemon.StartAsync();
        var watch = new DaemonObserver(daemon);
        await watch.AllRunningAsync(names, 120);

        var soak = ReliabilitySettings.Soak;
        var clock = Stopwatch.StartNew();
        long? warmRss = null;
        int? warmFds = null;
        var samples = new List<(TimeSpan At, long RssKiB, int Fds)>();
        while (clock.Elapsed < soak)
        {
            // The load of one tick: a client reads every pod through the API, and one container dies.
            var (code, _, err) = await daemon.Sup("get", "pods");
            Assert.True(code == 0, err);
            var running = watch.MainProcesses();
            if (running.Count > 0) Native.kill(running.Values.ElementAt(random.Next(running.Count)).Pid, Native.SIGKILL);
            await Task.Delay(500);
            samples.Add((clock.Elapsed, watch.RssKiB(), watch.OpenFds()));
            // Memory is measured from a quarter in: start-up allocations and the first GCs are behind us.
            if (warmRss is null && clock.Elapsed >= soak / 4) (warmRss, warmFds) = (samples[^1].RssKiB, samples[^1].Fds);
        }
        await watch.AllRunningAsync(names);
        await Poll.Until(() => watch.Zombies().Count == 0, "no zombie children of the daemon", 10);
        var (endRss, endFds) = (watch.RssKiB(), watch.OpenFds());
        output.WriteLine($"{soak.TotalSeconds:F0} s, {samples.Count} ticks: RSS {warmRss} KiB after warm-up, {endRss} KiB at the end " +
                         $"(max {samples.Max(s => s.RssKiB)}); fds {warmFds} -> {endFds}");
        // Bounded: the GC may take a few more MiB of heap, but a per-request or per-restart leak over a long soak
        // goes well past this.
        Assert.InRange(endRss, 0, warmRss!.Value + 32 * 1024 + warmRss.Value / 10);
        Assert.InRange(endFds, 0, warmFds!.Value + 16);
        Assert.Equal(0, await daemon.StopAsync());
    }
}

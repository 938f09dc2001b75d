using Xunit.Abstractions;
using MiniKube.Sup.Processes;

namespace MiniKube.Sup.EndToEnd.Reliability;

/// <summary>The daemon itself SIGKILLed at random points (while starting its pods, while they run) and started again
/// on the same state dir: the new daemon must adopt what the dead one left running that its store vouches for, and end
/// the rest, so that every container runs exactly once, as the instance the daemon now running reports.</summary>
[Collection(ReliabilityCollection.Name)]
public sealed class DaemonKillTests(ITestOutputHelper output)
{
    private const int PodCount = 30;

    [Fact]
    public async Task A_daemon_restarted_after_kill_9_leaves_no_orphan_and_runs_each_container_once()
    {
        var random = new Random(ReliabilitySettings.Seed);
        output.WriteLine($"seed {ReliabilitySettings.Seed}, daemon kills {ReliabilitySettings.DaemonKills}");
        var names = ReliabilityManifests.Names(PodCount);
        await using var daemon = new SupDaemon(ReliabilityManifests.Pods(PodCount, testApps: 1)) { BackoffBase = "0" };
        var watch = new DaemonObserver(daemon);
        for (var i = 0; i < ReliabilitySettings.DaemonKills; i++)
        {
            await daemon.StartAsync();
            int delay;
            if (i % 2 == 0)
            {
                // Killed while its pods run: first check this generation took over cleanly.
                await AssertOneGenerationAsync(daemon, watch, names);
                delay = random.Next(0, 300);
            }
            else
            {
                // Killed at a random point of its start: before, during or after it spawns the pods.
                delay = random.Next(0, 1000);
            }
            await Task.Delay(delay);
            output.WriteLine($"kill -9 of daemon {daemon.Process.Pid} after {delay} ms ({watch.ContainerProcesses().Count} container processes)");
            daemon.Process.Signal(Native.SIGKILL);
            await daemon.Process.WaitForExitAsync(TimeSpan.FromSeconds(60));
            await daemon.Process.DisposeAsync();
        }

        await daemon.StartAsync();
        await AssertOneGenerationAsync(daemon, watch, names);
        Assert.Equal(0, await daemon.StopAsync());
    }

    /// <summary>Every pod runs, through the API too; every process carrying this state dir's mark is the instance the
    /// running daemon reports for its container (none is an orphan nobody watches); one process per container.</summary>
    private static async Task AssertOneGenerationAsync(SupDaemon daemon, DaemonObserver watch, IReadOnlyList<string> names)
    {
        await watch.AllRunningAsync(names);
        // The socket file of the killed daemon may still be there until the new one publishes its own.
        await Poll.Until(() => daemon.Sup("get", "pods").GetAwaiter().GetResult().Code == 0, "the API of the new daemon", 30);
        IReadOnlyList<string> strays = [];
        var count = 0;
        try
        {
            await Poll.Until(() =>
            {
                var processes = watch.ContainerProcesses();
                count = processes.Count;
                var reported = watch.ReportedPidsAsync().GetAwaiter().GetResult();
                strays = processes.Where(p => !reported.TryGetValue(DaemonObserver.PodOf(p.Owner), out var pid) || pid != p.Process.Pid)
                    .Select(p => $"{p.Process.Pid} {p.Process.Comm} ({p.Owner}, parent {p.Process.Ppid})").ToList();
                return strays.Count == 0 && count == names.Count;
            }, "one generation of container processes", 10);
        }
        catch (TimeoutException)
        {
            Assert.Fail($"{count} container processes for {names.Count} pods; not the instances the daemon reports: {string.Join("; ", strays)}");
        }
        // One per container: a restart must not have started a second copy beside one it failed to see.
        var perContainer = watch.ContainerProcesses().GroupBy(p => string.Join('/', p.Owner.Split('/')[1..4])).Where(g => g.Count() > 1).ToList();
        Assert.True(perContainer.Count == 0, "containers running twice: " + string.Join(", ", perContainer.Select(g => g.Key)));
    }
}

using System.Diagnostics;
using MiniKube.Sup.Runtime;
using Xunit.Abstractions;

namespace MiniKube.Sup.EndToEnd.Reliability;

/// <summary>Many pods: a stop ends every process of every pod (its time is reported, never asserted: see
/// bench/processes.py), and the descriptors each container holds do not run the daemon out of its limit.</summary>
[Collection(ReliabilityCollection.Name)]
public sealed class ScaleTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Stopping_a_thousand_pods_ends_every_process()
    {
        const int count = 1000;
        var names = ReliabilityManifests.Names(count);
        await using var daemon = new SupDaemon(ReliabilityManifests.Pods(count));
        await daemon.StartAsync();
        var watch = new DaemonObserver(daemon);
        await watch.AllRunningAsync(names, 120);
        var clock = Stopwatch.StartNew();
        Assert.Equal(0, await daemon.StopAsync()); // SIGTERM, exit, and nothing of ours left (Leftovers)
        output.WriteLine($"{count} pods stopped in {clock.Elapsed.TotalSeconds:0.00} s (SIGTERM to exit, leftovers checked)");
    }

    [Fact]
    public async Task A_root_daemon_raises_its_descriptor_limit_and_gives_its_containers_the_one_it_inherited()
    {
        Assert.Equal(0, Native.geteuid()); // the reliability suite runs as root
        // 200 pods hold more descriptors than 256 allow; the daemon may raise its own limit, but its containers
        // must see the one it was given, as they would have without sup.
        const int count = 200;
        var names = ReliabilityManifests.Names(count);
        await using var daemon = new SupDaemon(ReliabilityManifests.Pods(count) + """
            ---
            apiVersion: v1
            kind: Pod
            metadata:
              name: limits
            spec:
              terminationGracePeriodSeconds: 2
              containers:
                - name: app
                  command: ["sh", "-c", "grep 'open files' /proc/self/limits; exec sleep infinity"]
            """) { Launcher = ["prlimit", "--nofile=256:256", "--"] };
        await daemon.StartAsync();
        var watch = new DaemonObserver(daemon);
        await watch.AllRunningAsync([.. names, "limits"], 120);
        var line = File.ReadLines($"/proc/{daemon.Process.Pid}/limits").Single(l => l.StartsWith("Max open files", StringComparison.Ordinal));
        output.WriteLine($"daemon: {line}");
        Assert.DoesNotMatch(@"^Max open files\s+256\s", line);
        await daemon.Process.WaitForLineAsync("limits/app | Max open files");
        var child = daemon.Process.Lines.First(l => l.Contains("limits/app | Max open files", StringComparison.Ordinal));
        Assert.Matches(@"Max open files\s+256\s+256\s+files", child);
        Assert.Equal(0, await daemon.StopAsync());
    }
}

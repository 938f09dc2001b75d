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

    /// <summary>A container held two of the daemon's descriptors (its output pipe, its log file): ~10,000 of them
    /// exhausted a 20,000 limit with "cannot create output pipe". An idle container now holds one (its log file is
    /// open only while it writes), and a root daemon raises its limit where it may (not here: this machine's root
    /// lacks CAP_SYS_RESOURCE, and a JIT-run .NET process already raised its soft limit to the hard one), so 400
    /// idle pods run under a limit of 800 (the JIT-run daemon itself holds ~200; two each would need 1,000); and each
    /// container gets the limit the daemon was given.</summary>
    [Fact]
    public async Task Four_hundred_idle_pods_run_under_a_limit_of_800_descriptors_and_get_that_limit()
    {
        const int count = 400;
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
            """) { Launcher = ["prlimit", "--nofile=800:800", "--"] };
        await daemon.StartAsync();
        var watch = new DaemonObserver(daemon);
        await watch.AllRunningAsync([.. names, "limits"], 120);
        output.WriteLine(daemon.Process.Lines.FirstOrDefault(l => l.Contains("descriptor limit", StringComparison.Ordinal)) ?? "");
        output.WriteLine($"daemon descriptors with {count + 1} pods: {watch.OpenFds()}");
        await daemon.Process.WaitForLineAsync("limits/app | Max open files");
        var child = daemon.Process.Lines.First(l => l.Contains("limits/app | Max open files", StringComparison.Ordinal));
        Assert.Matches(@"Max open files\s+800\s+800\s+files", child);
        Assert.Equal(0, await daemon.StopAsync());
    }
}

using System.Diagnostics;
using MiniKube.Sup.Processes;
using Xunit.Abstractions;

namespace MiniKube.Sup.EndToEnd.Reliability;

/// <summary>The daemon is a child subreaper: every orphan of its containers becomes its child, and each must be
/// reaped, however many arrive at once, without ever taking the exit status of a child .NET waits for itself.</summary>
[Collection(ReliabilityCollection.Name)]
public sealed class ZombieTests(ITestOutputHelper output)
{
    // Each `( sleep 0.01 & )` is a subshell that exits at once, leaving its sleep to the subreaper: 200 orphans in
    // about five seconds, dying 10 ms later.
    private const string StormPod = """
        apiVersion: v1
        kind: Pod
        metadata:
          name: storm
        spec:
          terminationGracePeriodSeconds: 2
          containers:
            - name: app
              command: ["sh", "-c", "i=0; while [ $i -lt 200 ]; do (sleep 0.01 &); i=$((i+1)); sleep 0.01; done; echo storm-done; exec sleep infinity"]
        """;

    [Fact]
    public async Task A_storm_of_orphaned_background_jobs_leaves_no_zombie_at_rest()
    {
        await using var daemon = new SupDaemon(StormPod);
        await daemon.StartAsync();
        var watch = new DaemonObserver(daemon);
        await daemon.Process.WaitForLineAsync("storm/app | storm-done", 60);
        await AssertNoZombieChildAsync(() => watch.Zombies(), "the daemon");
        Assert.Equal(0, await daemon.StopAsync());
    }

    [Fact]
    public async Task A_crash_loop_that_orphans_a_child_on_each_run_leaves_no_zombie()
    {
        await using var daemon = new SupDaemon("""
            apiVersion: v1
            kind: Pod
            metadata:
              name: crash
            spec:
              terminationGracePeriodSeconds: 2
              containers:
                - name: app
                  command: ["sh", "-c", "sleep 0.01 & exit 1"]
            """) { BackoffBase = "0" };
        await daemon.StartAsync();
        var watch = new DaemonObserver(daemon);
        await Task.Delay(TimeSpan.FromSeconds(3));
        var (code, _, err) = await daemon.Sup("delete", "pod/crash");
        Assert.True(code == 0, err);
        output.WriteLine($"zombie children when the loop stopped: {watch.Zombies().Count}");
        await AssertNoZombieChildAsync(() => watch.Zombies(), "the daemon");
        Assert.Equal(0, await daemon.StopAsync());
    }

    /// <summary>In this process (a subreaper with the daemon's reaper, as the in-process pod tests make it): .NET's
    /// own children (what CliWrap runs) exit with their real code while orphans, of our session and of others,
    /// arrive by the hundred; and no zombie is left once they stop.</summary>
    [Fact]
    public async Task Dotnet_process_children_keep_their_exit_codes_during_an_orphan_storm_and_no_zombie_is_left()
    {
        ChildReaper.Shared.EnsureStarted();
        Assert.True(ChildReaper.Shared.IsSubreaper);
        // Orphans in our own session (they look like .NET's children to the reaper until their grace is over) and
        // in sessions of their own (they cannot be .NET's).
        var storms = new[]
        {
            Start("sh", "-c", "for i in $(seq 150); do (sleep 0.01 &); done; wait"),
            Start("setsid", "sh", "-c", "for i in $(seq 150); do (sleep 0.01 &); done; wait"),
        };
        var codes = await Task.WhenAll(Enumerable.Range(0, 60).Select(async i =>
        {
            using var p = Start("sh", "-c", $"sleep 0.0{i % 10}; exit {i % 50 + 1}");
            await p.WaitForExitAsync();
            return (Expected: i % 50 + 1, Actual: p.ExitCode);
        }));
        foreach (var s in storms)
        {
            await s.WaitForExitAsync();
            s.Dispose();
        }
        Assert.All(codes, c => Assert.Equal(c.Expected, c.Actual));
        await AssertNoZombieChildAsync(
            () => ProcFs.Snapshot().Where(p => p.Ppid == Environment.ProcessId && p.IsZombie).ToList(), "this process", ownSession: true);
    }

    /// <summary>`setsid` run by .NET calls setsid(2) in the very child .NET waits for: that child is in a session of
    /// its own, as an orphan of a container is. Marked as .NET's, the reaper leaves it to .NET (reaping it first
    /// makes .NET end this process: "Error while reaping child. errno = 10", as a CI run of this class did).</summary>
    [Fact]
    public async Task Dotnet_children_that_leave_our_session_keep_their_exit_codes()
    {
        ChildReaper.Shared.EnsureStarted();
        var codes = await Task.WhenAll(Enumerable.Range(0, 300).Select(async i =>
        {
            using var p = Start("setsid", "sh", "-c", $"sleep 0.0{i % 10}; exit {i % 50 + 1}");
            await p.WaitForExitAsync();
            return (Expected: i % 50 + 1, Actual: p.ExitCode);
        }));
        Assert.All(codes, c => Assert.Equal(c.Expected, c.Actual));
    }

    /// <summary>Starts a child .NET waits for, marked so that the reaper leaves it to .NET; the mark goes with the
    /// returned process.</summary>
    private static MarkedProcess Start(string file, params string[] args)
    {
        var info = new ProcessStartInfo(file) { UseShellExecute = false };
        foreach (var a in args) info.ArgumentList.Add(a);
        var mark = ChildReaper.Shared.StartDotnetChild(() => Process.Start(info)!, p => p.Id, out var process);
        return new MarkedProcess(process, mark);
    }

    private sealed class MarkedProcess(Process process, IDisposable mark) : IDisposable
    {
        public int ExitCode => process.ExitCode;

        public Task WaitForExitAsync() => process.WaitForExitAsync();

        public void Dispose()
        {
            process.Dispose();
            mark.Dispose();
        }
    }

    /// <summary>The orphans die 10 ms after they are born; an orphan of another session is reaped at once, so once
    /// the storm is over a second is plenty for none to be left. An orphan of our own session might be .NET's child:
    /// it waits out <see cref="ChildReaper.OrphanGrace"/> (<paramref name="ownSession"/>).</summary>
    private async Task AssertNoZombieChildAsync(Func<IReadOnlyList<ProcessInfo>> zombies, string parent, bool ownSession = false)
    {
        await Task.Delay(TimeSpan.FromSeconds(1));
        var left = zombies();
        var clock = Stopwatch.StartNew();
        var bound = TimeSpan.FromSeconds(2) + (ownSession ? ChildReaper.OrphanGrace : TimeSpan.Zero);
        while (left.Count > 0 && clock.Elapsed < bound)
        {
            await Task.Delay(50);
            left = zombies();
        }
        output.WriteLine($"zombie children of {parent} at rest: {left.Count}");
        Assert.True(left.Count == 0, $"{left.Count} zombie children of {parent} at rest: {string.Join(", ", left.Take(20).Select(p => $"{p.Pid} {p.Comm}"))}");
    }
}

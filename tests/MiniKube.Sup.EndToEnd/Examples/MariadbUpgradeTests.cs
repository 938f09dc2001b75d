using System.Diagnostics;
using MiniKube.Sup.EndToEnd.Hosting;
using MiniKube.Sup.Processes;

namespace MiniKube.Sup.EndToEnd.Examples;

/// <summary>Issue 20, an upgrade: examples/mariadb and a container that keeps printing run under the tests' JIT build
/// started with --keep-running; it is stopped, and the published NativeAOT build (<see cref="PublishedSup"/>, another
/// build of the same source, as an upgrade brings one) starts on the same state dir and adopts them. Its own class: the
/// fixture publishes that build when SUP_PUBLISH_DIR names none (minutes), which no other example test needs.</summary>
public sealed class MariadbUpgradeTests(PublishedSup published, Xunit.Abstractions.ITestOutputHelper log) : IClassFixture<PublishedSup>
{
    /// <summary>The same server process and no restart, its start time kept; a client's connection opened before it
    /// still answers after it; the ticker beside it keeps its pid, restart count and start time, and every line it
    /// printed while no daemon ran is in its log; a SIGTERM to the new daemon then leaves nothing behind.</summary>
    [Fact]
    public async Task A_keep_running_stop_and_a_start_of_another_build_keep_MariaDB_its_client_connection_and_a_printing_container()
    {
        await using var d = new SupDaemon(Example.Manifest("mariadb") + "---\n" + AdoptionChecks.Ticker);
        await d.StartAsync(extra: "--keep-running");
        var (code, output, err) = await d.Sup("wait", "--for=condition=Ready", "pod/mariadb-0", "--timeout", "60s");
        Assert.True(code == 0, output + err + d.Process.Output);
        await d.Process.WaitForLineAsync("ticker/count | tick 20");
        var oldBuild = await BuildOfAsync(d.Process.Pid);
        var mariadb = await AdoptionChecks.RunningAsync(d.StateDir, "mariadb-0", "mariadb");
        var ticker = await AdoptionChecks.RunningAsync(d.StateDir, "ticker", "count");

        var socket = Path.Combine(d.StateDir, "pods", "mariadb-0", "mysqld.sock");
        using var client = Process.Start(new ProcessStartInfo("mariadb", [$"--socket={socket}", "-N", "--unbuffered"])
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, UseShellExecute = false,
        })!;
        try
        {
            await client.StandardInput.WriteLineAsync("SELECT CONNECTION_ID();");
            var connection = await client.StandardOutput.ReadLineAsync();

            d.Process.Signal(Native.SIGTERM);
            Assert.Equal(0, await d.Process.WaitForExitAsync(TimeSpan.FromSeconds(60)));
            Assert.Contains("--keep-running", d.Process.Output);
            await d.Process.DisposeAsync();
            await Task.Delay(1000); // the ticker prints on while no daemon runs

            d.Executable = Path.Combine(published.Dir, "sup");
            await d.StartAsync();
            var newBuild = await BuildOfAsync(d.Process.Pid);
            log.WriteLine($"first daemon: {oldBuild}\nsecond daemon: {newBuild}");
            Assert.NotEqual(oldBuild.Executable, newBuild.Executable);
            Assert.StartsWith(Path.GetFullPath(published.Dir), newBuild.Executable, StringComparison.Ordinal);
            Assert.Equal((true, false), (oldBuild.Jit, newBuild.Jit));

            await d.Process.WaitForLineAsync("container mariadb adopted");
            await d.Process.WaitForLineAsync("container count adopted");
            (code, output, err) = await d.Sup("wait", "--for=condition=Ready", "pod/mariadb-0", "--timeout", "60s");
            Assert.True(code == 0, output + err + d.Process.Output);
            AdoptionChecks.AssertKept(mariadb, await AdoptionChecks.RunningAsync(d.StateDir, "mariadb-0", "mariadb"), "mariadb-0/mariadb");
            AdoptionChecks.AssertKept(ticker, await AdoptionChecks.RunningAsync(d.StateDir, "ticker", "count"), "ticker/count");
            await client.StandardInput.WriteLineAsync("SELECT CONNECTION_ID();");
            Assert.Equal(connection, await client.StandardOutput.ReadLineAsync());
            Assert.Equal((0, "3\n", ""), await MariadbExampleTests.AsApp("SELECT COUNT(*) FROM shop.items"));
            // The ticker's output reaches its log under the new daemon, with what it printed meanwhile.
            var last = AdoptionChecks.LastTick(await AdoptionChecks.LogAsync(d.StateDir, "ticker"));
            await d.Process.WaitForLineAsync($"ticker/count | tick {last + 5}");
            await AdoptionChecks.AssertTicksContiguousAsync(d.StateDir);
        }
        finally
        {
            client.StandardInput.Close();
            await client.WaitForExitAsync();
        }
        Assert.Equal(0, await d.StopAsync());
        Assert.False(Example.Running(mariadb.Pid), "mariadbd stopped by the new daemon");
        Assert.False(Example.Running(ticker.Pid), "the ticker stopped by the new daemon");
    }

    /// <summary>Which build a daemon runs: its executable (sup execs sup-daemon in its place) and whether it is the
    /// JIT build (its engine's assembly mapped) or the NativeAOT one (compiled in); and what `sup version` next to it
    /// says.</summary>
    private static async Task<(string Executable, bool Jit, string Version)> BuildOfAsync(int pid)
    {
        var executable = new FileInfo($"/proc/{pid}/exe").LinkTarget!;
        var jit = File.ReadLines($"/proc/{pid}/maps").Any(l => l.EndsWith("/MiniKube.Sup.dll", StringComparison.Ordinal));
        var (_, version, _) = await SupDaemon.Run(Path.Combine(Path.GetDirectoryName(executable)!, "sup"), ["version"]);
        return (executable, jit, version.Trim());
    }
}

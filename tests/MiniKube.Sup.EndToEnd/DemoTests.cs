using System.Text.RegularExpressions;
using MiniKube.Sup.EndToEnd.Examples;
using MiniKube.Sup.Processes;

namespace MiniKube.Sup.EndToEnd;

/// <summary>The repository's own supervisor.yaml, the README's first command, as a newcomer runs it: the prefork
/// server's pod is 1 master and 6 workers in `sup ps`, serves through its Service, and stops with its workers; the
/// Job's steps pass their data on through their volume.</summary>
public sealed class DemoTests
{
    private static string Demo => File.ReadAllText(Path.Combine(Binaries.Tests, "..", "supervisor.yaml"));

    [Fact]
    public async Task The_demo_prefork_pod_is_a_master_and_6_workers_serving_through_its_Service_that_reforks_a_dead_worker_and_stops_them_all()
    {
        await using var d = new SupDaemon(Demo);
        await d.StartAsync();
        var (code, output, err) = await d.Sup("wait", "--for=condition=Ready", "pod/prefork", "pod/web", "--timeout", "60s");
        Assert.True(code == 0, output + err + d.Process.Output);

        var tree = await Example.Processes(d, "prefork");
        Assert.Equal(7, tree.Length);
        var master = tree[0].GetProperty("pid").GetInt32();
        Assert.Equal("master", tree[0].GetProperty("role").GetString());
        Assert.All(tree.Skip(1), p => Assert.Equal(("worker", master), (p.GetProperty("role").GetString(), p.GetProperty("ppid").GetInt32())));
        var workers = tree.Skip(1).Select(p => p.GetProperty("pid").GetInt32()).ToArray();
        var (_, table, _) = await d.Sup("ps");
        var lines = table.Split('\n');
        Assert.Single(lines, l => Regex.IsMatch(l, @" master +\S+ +S .*prefork: master on 127\.\d+\.\d+\.\d+:8000"));
        Assert.Equal(6, lines.Count(l => Regex.IsMatch(l, @" worker +\S+ +S .*prefork: worker [1-6]$")));

        // Through the Service (127.0.0.1:9080): each request is answered by one of the workers.
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var answer = await http.GetStringAsync("http://127.0.0.1:9080/");
        var served = Regex.Match(answer, @"^hello from worker [1-6] \(pid (\d+)\) of master (\d+)\n$");
        Assert.True(served.Success, answer);
        Assert.Contains(int.Parse(served.Groups[1].Value), workers);
        Assert.Equal(master, int.Parse(served.Groups[2].Value));

        // A worker that dies is reaped and forked again: the pod stays 1 master + 6 workers, not restarted.
        Native.kill(workers[2], Native.SIGKILL);
        await d.Process.WaitForLineAsync($"prefork/server | master: worker 3 (pid {workers[2]}) killed by signal 9; started worker 3 again");
        var after = await Example.Processes(d, "prefork");
        Assert.Equal(7, after.Length);
        Assert.Equal(master, after[0].GetProperty("pid").GetInt32());
        Assert.DoesNotContain(workers[2], after.Select(p => p.GetProperty("pid").GetInt32()));
        Assert.StartsWith("hello from worker", await http.GetStringAsync("http://127.0.0.1:9080/"));

        // The Job's ordered steps share their emptyDir at /work (the pod's own mount namespace).
        (code, output, err) = await d.Sup("wait", "--for=condition=Complete", "job/etl", "--timeout", "60s");
        Assert.True(code == 0, output + err);
        var etl = (await d.Sup("logs", "job/etl")).Out;
        Assert.Contains("/extract] extracted 5 rows\n", etl);
        Assert.Contains("/load] 5 done\n", etl);

        // SIGTERM: the master stops its workers, then exits; the whole demo stops with exit 0 and leaves nothing.
        var last = after.Select(p => p.GetProperty("pid").GetInt32()).ToArray();
        Assert.Equal(0, await d.StopAsync());
        Assert.Contains("prefork/server | master: SIGTERM, stopping 6 workers", d.Process.Output);
        Assert.Contains("prefork/server | master: all workers stopped", d.Process.Output);
        Assert.All(last, p => Assert.False(Example.Running(p), $"{p} still running"));
    }
}

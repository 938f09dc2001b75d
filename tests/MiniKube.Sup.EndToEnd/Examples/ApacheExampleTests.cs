using System.Net;
using MiniKube.Sup.Processes;

namespace MiniKube.Sup.EndToEnd.Examples;

/// <summary>examples/apache with Debian's apache2: a prefork master and its 6 workers as one container, seen whole by
/// `sup ps`, stopped whole, and replaced whole when it hangs.</summary>
public sealed class ApacheExampleTests
{
    [Fact]
    public async Task Apache_prefork_runs_as_1_master_and_6_www_data_workers_restarts_whole_when_hung_and_stops_gracefully()
    {
        await using var d = new SupDaemon(Example.Manifest("apache"));
        await d.StartAsync();
        var (code, output, err) = await d.Sup("wait", "--for=condition=Ready", "pod/apache", "--timeout", "60s");
        Assert.True(code == 0, output + err + d.Process.Output);

        // 1 master (root: it binds and logs) + 6 workers (www-data), one tree.
        var tree = await Example.Processes(d, "apache");
        Assert.Equal(7, tree.Length);
        var master = tree[0].GetProperty("pid").GetInt32();
        Assert.Equal("master", tree[0].GetProperty("role").GetString());
        Assert.Equal(0, Example.Uid(master));
        var workers = tree.Skip(1).Select(p => p.GetProperty("pid").GetInt32()).ToArray();
        Assert.All(tree.Skip(1), p => Assert.Equal(("worker", master), (p.GetProperty("role").GetString(), p.GetProperty("ppid").GetInt32())));
        Assert.All(workers, w => Assert.Equal(Example.UserId("www-data"), Example.Uid(w)));
        var (_, table, _) = await d.Sup("ps", "apache");
        Assert.Equal(6, table.Split('\n').Count(l => System.Text.RegularExpressions.Regex.IsMatch(l, @" worker +www-data +S .*apache2")));
        Assert.Single(table.Split('\n'), l => System.Text.RegularExpressions.Regex.IsMatch(l, @" master +root +S .*apache2"));
        Assert.All(tree, p => Assert.Equal(p.GetProperty("pid").GetInt32() == master ? "root" : "www-data", p.GetProperty("user").GetString()));

        // Served on the pod's own address, and through the Service.
        var pod = await Example.Json(d, "get", "pod", "apache", "-o", "json");
        var podIp = pod.GetProperty("status").GetProperty("podIP").GetString()!;
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var status = await http.GetStringAsync($"http://{podIp}:8180/server-status?auto");
        Assert.Contains("ServerMPM: prefork", status);
        // The Service's address: no clusterIP in the manifest, so 127.0.0.1 (SPEC §3).
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("http://127.0.0.1:8180/")).StatusCode);

        // The tree hangs (every process stopped): liveness times out and the whole tree is replaced, none kept.
        foreach (var p in workers.Append(master)) Native.kill(p, 19 /* SIGSTOP */);
        await Poll.Until(() => workers.Append(master).All(p => !Example.Running(p)), "the hung tree gone", 60);
        (code, output, err) = await d.Sup("wait", "--for=condition=Ready", "--for=jsonpath={.status.containerStatuses[0].restartCount}=1", "pod/apache", "--timeout", "60s");
        Assert.True(code == 0, output + err);
        var (_, events, _) = await d.Sup("events");
        Assert.Contains("Liveness probe failed", events);
        var replaced = await Example.Processes(d, "apache");
        Assert.Equal(7, replaced.Length);
        Assert.Empty(replaced.Select(p => p.GetProperty("pid").GetInt32()).Intersect(workers.Append(master)));

        // A graceful stop: SIGTERM reaches the master (which says so) and every worker; nothing is killed or left.
        var last = replaced.Select(p => p.GetProperty("pid").GetInt32()).ToArray();
        Assert.Equal(0, await d.StopAsync());
        Assert.Contains("caught SIGTERM, shutting down", d.Process.Output);
        Assert.All(last, p => Assert.False(Example.Running(p), $"{p} still running"));
    }
}

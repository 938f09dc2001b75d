using System.Text.RegularExpressions;
using MiniKube.Sup.EndToEnd.Examples;

namespace MiniKube.Sup.EndToEnd.Containers;

/// <summary>examples/apache-image under a real engine (<see cref="PodmanApacheImageExampleTests"/>,
/// <see cref="DockerApacheImageExampleTests"/>): Debian's apache2 in the image tests/images/build.sh assembles from the
/// host's package files, a prefork master and its 6 workers in one container, seen whole by `sup ps`, served through
/// its Service on 127.0.0.1, and stopped whole with nothing left in the engine.</summary>
public abstract class ApacheImageExampleTests(TestEngine engine)
{
    [Fact]
    public async Task Apache_prefork_in_a_container_runs_as_1_master_and_6_www_data_workers_serves_through_its_Service_and_stops_gracefully()
    {
        await using var d = await ImagePods.StartAsync(Example.Manifest("apache-image"), engine.DaemonArguments);
        var (code, output, err) = await d.Sup("wait", "--for=condition=Ready", "pod/apache", "--timeout", "60s");
        Assert.True(code == 0, output + err + d.Process.Output);

        // 1 master (root: it binds and logs) + 6 workers (www-data), one tree of host processes.
        var tree = await Example.Processes(d, "apache");
        Assert.Equal(7, tree.Length);
        var master = tree[0].GetProperty("pid").GetInt32();
        Assert.Equal(("master", "root"), (tree[0].GetProperty("role").GetString(), tree[0].GetProperty("user").GetString()));
        Assert.All(tree.Skip(1), p => Assert.Equal(("worker", master, "www-data"),
            (p.GetProperty("role").GetString(), p.GetProperty("ppid").GetInt32(), p.GetProperty("user").GetString())));
        var (_, table, _) = await d.Sup("ps", "apache");
        Assert.Equal(6, table.Split('\n').Count(l => Regex.IsMatch(l, @" worker +www-data +S .*apache2 -f /etc/apache2/sup/httpd\.conf")));

        // Through the Service (127.0.0.1:8280 → the container's port 80, published on the pod's loopback address).
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        Assert.Contains("<h1>It works!</h1>", await http.GetStringAsync("http://127.0.0.1:8280/"));
        var status = await http.GetStringAsync("http://127.0.0.1:8280/server-status?auto");
        Assert.Contains("ServerMPM: prefork", status);
        Assert.Contains("ServerVersion: Apache/2.4", status);
        var pod = await Example.Json(d, "get", "pod", "apache", "-o", "json");
        Assert.StartsWith("127.", pod.GetProperty("status").GetProperty("podIP").GetString());

        // A graceful stop: SIGTERM reaches the master (which says so), every worker ends, the engine keeps nothing
        // (StopAsync checks the daemon's label in the engine).
        var pids = tree.Select(p => p.GetProperty("pid").GetInt32()).ToArray();
        Assert.Equal(0, await d.StopAsync());
        Assert.Contains("apache/httpd | ", d.Process.Output);
        Assert.Contains("caught SIGTERM, shutting down", d.Process.Output);
        Assert.All(pids, p => Assert.False(Example.Running(p), $"{p} still running"));
    }
}

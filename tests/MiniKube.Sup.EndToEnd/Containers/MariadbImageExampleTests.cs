using MiniKube.Sup.EndToEnd.Examples;

namespace MiniKube.Sup.EndToEnd.Containers;

/// <summary>examples/mariadb-image under a real engine (<see cref="PodmanMariadbImageExampleTests"/>,
/// <see cref="DockerMariadbImageExampleTests"/>): Debian's mariadb-server in the image tests/images/build.sh assembles
/// from the host's package files, as a StatefulSet whose claim an init container initialises once; readiness as the
/// application user (maintenance makes it unready, not restarted, and out of its Service); the pod re-created on
/// the same data; nothing left in the engine.</summary>
public abstract class MariadbImageExampleTests(TestEngine engine)
{
    /// <summary>SQL as root inside the container (over its socket: unix_socket authentication), by `sup exec` (its state
    /// directory from the environment: d.Sup puts --state-dir last, which would go to the command after --).</summary>
    private static async Task<string> Sql(SupDaemon d, string sql)
    {
        var (code, output, err) = await SupDaemon.Run(Binaries.Sup, ["exec", "mariadb-0", "-c", "mariadb", "--", "mariadb", "-N", "-e", sql],
            new() { ["SUP_STATE_DIR"] = d.StateDir });
        Assert.True(code == 0, err);
        return output.Trim();
    }

    /// <summary>SQL as the application user from the host, through the Service (the host's mariadb client).</summary>
    private static async Task<(int Code, string Out, string Err)> AsApp(string sql) =>
        await SupDaemon.Run("mariadb", ["-h", "127.0.0.1", "-P", "3492", "-u", "app", "-N", "-e", sql], new() { ["MYSQL_PWD"] = "app-secret" });

    [Fact]
    public async Task MariaDB_in_a_container_initialises_its_claim_once_and_goes_unready_in_maintenance_without_a_restart()
    {
        await using var d = await ImagePods.StartAsync(Example.Manifest("mariadb-image"), engine.DaemonArguments);
        var (code, output, err) = await d.Sup("wait", "--for=condition=Ready", "pod/mariadb-0", "--timeout", "180s");
        Assert.True(code == 0, output + err + d.Process.Output);
        Assert.Equal("data directory initialised\n", (await d.Sup("logs", "mariadb-0", "-c", "install-db", "--tail", "1")).Out);
        Assert.True(Directory.Exists(Path.Combine(d.StateDir, "volumes", "data-mariadb-0", "mysql")), "the claim holds the data directory");
        Assert.Equal((0, "3\n", ""), await AsApp("SELECT COUNT(*) FROM shop.items")); // through the Service
        // Started as root, the server runs as the image's mysql user (uid 999).
        var view = await Example.Json(d, "ps", "mariadb-0", "-o", "json");
        var container = view.GetProperty("pods")[0].GetProperty("containers").EnumerateArray().Single(c => c.GetProperty("name").GetString() == "mariadb");
        var server = Assert.Single(container.GetProperty("processes").EnumerateArray());
        Assert.Equal(999, Example.Uid(server.GetProperty("pid").GetInt32()));

        // Maintenance: the application user locked. Unready and out of the Service; alive, so not restarted.
        await Sql(d, "ALTER USER app@'%' ACCOUNT LOCK");
        (code, output, err) = await d.Sup("wait", "--for=condition=Ready=False", "pod/mariadb-0", "--timeout", "30s");
        Assert.True(code == 0, output + err);
        var endpoints = await Example.Json(d, "get", "endpoints", "mariadb", "-o", "json");
        Assert.All(endpoints.TryGetProperty("subsets", out var subsets) ? subsets.EnumerateArray() : [], s => Assert.False(s.TryGetProperty("addresses", out _)));
        Assert.NotEqual(0, (await AsApp("SELECT 1")).Code);
        await Task.Delay(TimeSpan.FromSeconds(6)); // a liveness period: the ping still answers
        var pod = await Example.Json(d, "get", "pod", "mariadb-0", "-o", "json");
        Assert.Equal(0, pod.GetProperty("status").GetProperty("containerStatuses")[0].GetProperty("restartCount").GetInt32());
        await Sql(d, "ALTER USER app@'%' ACCOUNT UNLOCK");
        (code, output, err) = await d.Sup("wait", "--for=condition=Ready", "pod/mariadb-0", "--timeout", "30s");
        Assert.True(code == 0, output + err);

        // The pod re-created: the claim is kept, not initialised again, and holds a row of ours.
        await Sql(d, "INSERT INTO shop.items VALUES ('dates', 6.10)");
        (code, _, err) = await d.Sup("delete", "pod", "mariadb-0");
        Assert.True(code == 0, err);
        (code, output, err) = await d.Sup("wait", "--for=condition=Ready", "pod/mariadb-0", "--timeout", "120s");
        Assert.True(code == 0, output + err + d.Process.Output);
        Assert.Equal("data directory already initialised: kept\n", (await d.Sup("logs", "mariadb-0", "-c", "install-db", "--tail", "1")).Out);
        Assert.Equal((0, "4\n", ""), await AsApp("SELECT COUNT(*) FROM shop.items"));

        // A graceful stop: mariadbd shuts down on SIGTERM (it says so) and the engine keeps nothing.
        Assert.Equal(0, await d.StopAsync());
        Assert.Contains("Shutdown complete", d.Process.Output);
    }
}

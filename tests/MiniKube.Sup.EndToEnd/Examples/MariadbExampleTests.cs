namespace MiniKube.Sup.EndToEnd.Examples;

/// <summary>examples/mariadb with Debian's mariadb-server: a StatefulSet whose claim is initialised once, readiness
/// as the application user (maintenance makes it unready, not restarted, and out of its Service), and a backup
/// CronJob whose dump restores into a fresh instance.</summary>
public sealed class MariadbExampleTests
{
    private static async Task<string> Sql(SupDaemon d, string sql)
    {
        var socket = Path.Combine(d.StateDir, "pods", "mariadb-0", "mysqld.sock");
        var (code, output, err) = await SupDaemon.Run("mariadb", [$"--socket={socket}", "-N", "-e", sql]);
        Assert.True(code == 0, err);
        return output.Trim();
    }

    internal static async Task<(int Code, string Out, string Err)> AsApp(string sql) =>
        await SupDaemon.Run("mariadb", ["-h", "127.0.0.1", "-P", "3392", "-u", "app", "-N", "-e", sql], new() { ["MYSQL_PWD"] = "app-secret" });

    [Fact]
    public async Task MariaDB_keeps_its_claim_goes_unready_in_maintenance_and_its_backup_restores_into_a_fresh_instance()
    {
        await using var d = new SupDaemon(Example.Manifest("mariadb"));
        await d.StartAsync();
        var (code, output, err) = await d.Sup("wait", "--for=condition=Ready", "pod/mariadb-0", "--timeout", "60s");
        Assert.True(code == 0, output + err + d.Process.Output);
        Assert.Equal((0, "3\n", ""), await AsApp("SELECT COUNT(*) FROM shop.items")); // through the Service

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

        // A row of ours, backed up by the CronJob's template and restored into a fresh instance by restore.yaml.
        await Sql(d, "INSERT INTO shop.items VALUES ('dates', 6.10)");
        (code, _, err) = await d.Sup("create", "job", "backup-now", "--from=cronjob/mariadb-backup");
        Assert.True(code == 0, err);
        (code, output, err) = await d.Sup("wait", "--for=condition=Complete", "job/backup-now", "--timeout", "60s");
        Assert.True(code == 0, output + err);
        Assert.Single(Directory.GetFiles(Path.Combine(d.StateDir, "volumes", "backups"), "shop-*.sql"));
        (code, output, err) = await d.Sup("apply", "-f", Path.Combine(Example.Folder("mariadb"), "restore.yaml"));
        Assert.True(code == 0, output + err);
        (code, output, err) = await d.Sup("wait", "--for=condition=Complete", "job/mariadb-restore-check", "--timeout", "60s");
        Assert.True(code == 0, output + err);
        (_, output, _) = await d.Sup("logs", "job/mariadb-restore-check");
        Assert.Contains("4 item(s): apple,bread,cheese,dates", output);

        // The pod re-created: the claim is kept, not initialised again.
        (code, _, err) = await d.Sup("delete", "pod", "mariadb-0");
        Assert.True(code == 0, err);
        (code, output, err) = await d.Sup("wait", "--for=condition=Ready", "pod/mariadb-0", "--timeout", "60s");
        Assert.True(code == 0, output + err);
        (_, output, _) = await d.Sup("logs", "mariadb-0", "-c", "install-db", "--tail", "1");
        Assert.Equal("data directory already initialised: kept\n", output);
        Assert.Equal((0, "4\n", ""), await AsApp("SELECT COUNT(*) FROM shop.items"));
        Assert.Equal(0, await d.StopAsync());
    }
}

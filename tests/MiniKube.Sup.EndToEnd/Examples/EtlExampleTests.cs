namespace MiniKube.Sup.EndToEnd.Examples;

/// <summary>examples/etl: extract → transform → load as a Job's ordered steps on a shared emptyDir, a hung step
/// killed at its step timeout and retried in place, the result in a claim, and the CronJob's pipeline run on demand.</summary>
public sealed class EtlExampleTests
{
    [Fact]
    public async Task The_pipeline_runs_in_order_survives_a_hung_transform_and_the_CronJob_runs_it_again()
    {
        await using var d = new SupDaemon(Example.Manifest("etl"));
        await d.StartAsync();
        var (code, output, err) = await d.Sup("wait", "--for=condition=Complete", "job/etl", "--timeout", "60s");
        Assert.True(code == 0, output + err + d.Process.Output);

        (code, output, err) = await d.Sup("logs", "job/etl");
        Assert.True(code == 0, err);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["extract", "transform", "load"], lines.Select(l => l.Split('/')[2].Split(']')[0]).ToArray());
        Assert.Matches(@"extracted [1-9]\d* accounts", lines[0]);
        Assert.Matches(@"transformed: [1-9]\d* login accounts", lines[1]);
        Assert.Contains("1 load(s) so far", lines[2]);

        // transform hung on its first attempt: killed at 3 s, run again in place; extract ran once.
        var pods = await Example.Json(d, "get", "pods", "-l", "batch.kubernetes.io/job-name=etl", "-o", "json");
        var steps = Assert.Single(pods.GetProperty("items").EnumerateArray()).GetProperty("status").GetProperty("initContainerStatuses").EnumerateArray()
            .ToDictionary(s => s.GetProperty("name").GetString()!);
        Assert.Equal(0, steps["extract"].GetProperty("restartCount").GetInt32());
        Assert.Equal(1, steps["transform"].GetProperty("restartCount").GetInt32());
        Assert.Equal("DeadlineExceeded", steps["transform"].GetProperty("lastState").GetProperty("terminated").GetProperty("reason").GetString());

        var warehouse = Path.Combine(d.StateDir, "volumes", "warehouse");
        Assert.Single(File.ReadAllLines(Path.Combine(warehouse, "loads.log")));
        var users = Assert.Single(Directory.GetFiles(warehouse, "users-*.csv"));
        Assert.Contains("root,0,", File.ReadAllText(users));

        // The CronJob's pipeline, run now as kubectl create job --from does: a second load into the same claim.
        (code, output, err) = await d.Sup("create", "job", "etl-manual", "--from=cronjob/etl-nightly");
        Assert.True(code == 0, err);
        (code, output, err) = await d.Sup("wait", "--for=condition=Complete", "job/etl-manual", "--timeout", "60s");
        Assert.True(code == 0, output + err);
        Assert.Equal(2, File.ReadAllLines(Path.Combine(warehouse, "loads.log")).Length);
        Assert.Equal(0, await d.StopAsync());
    }
}

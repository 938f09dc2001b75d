using MiniKube.Sup.EndToEnd.Examples;

namespace MiniKube.Sup.EndToEnd.Containers;

/// <summary>examples/etl-image under a real engine (<see cref="PodmanEtlImageExampleTests"/>,
/// <see cref="DockerEtlImageExampleTests"/>): extract → transform → load as a Job's ordered steps, each a busybox
/// container, on a shared emptyDir; a hung step's container stopped at its step timeout and the step retried in place;
/// the result in a claim; the CronJob's pipeline run on demand; nothing left in the engine.</summary>
public abstract class EtlImageExampleTests(TestEngine engine)
{
    [Fact]
    public async Task The_pipeline_of_busybox_containers_runs_in_order_survives_a_hung_transform_and_the_CronJob_runs_it_again()
    {
        await using var d = await ImagePods.StartAsync(Example.Manifest("etl-image"), engine.DaemonArguments);
        var (code, output, err) = await d.Sup("wait", "--for=condition=Complete", "job/etl", "--timeout", "90s");
        Assert.True(code == 0, output + err + d.Process.Output);

        (code, output, err) = await d.Sup("logs", "job/etl");
        Assert.True(code == 0, err);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["extract", "transform", "load"], lines.Select(l => l.Split('/')[2].Split(']')[0]).ToArray());
        // The image's accounts (root and nobody), not the host's.
        Assert.EndsWith("extracted 2 accounts", lines[0]);
        Assert.EndsWith("transformed: 2 login accounts", lines[1]);
        Assert.Contains("1 load(s) so far", lines[2]);

        // transform hung on its first attempt: stopped at 3 s, run again in place; extract ran once.
        var pods = await Example.Json(d, "get", "pods", "-l", "batch.kubernetes.io/job-name=etl", "-o", "json");
        var pod = Assert.Single(pods.GetProperty("items").EnumerateArray());
        var steps = pod.GetProperty("status").GetProperty("initContainerStatuses").EnumerateArray().ToDictionary(s => s.GetProperty("name").GetString()!);
        Assert.Equal(0, steps["extract"].GetProperty("restartCount").GetInt32());
        Assert.Equal(1, steps["transform"].GetProperty("restartCount").GetInt32());
        Assert.Equal("DeadlineExceeded", steps["transform"].GetProperty("lastState").GetProperty("terminated").GetProperty("reason").GetString());
        // Each step was a container of the engine, the hung attempt too.
        Assert.All(steps.Values, s => Assert.StartsWith(engine.Name + "://", s.GetProperty("state").GetProperty("terminated").GetProperty("containerID").GetString()));
        Assert.StartsWith(engine.Name + "://", steps["transform"].GetProperty("lastState").GetProperty("terminated").GetProperty("containerID").GetString());

        var warehouse = Path.Combine(d.StateDir, "volumes", "warehouse");
        var load = Assert.Single(File.ReadAllLines(Path.Combine(warehouse, "loads.log")));
        Assert.EndsWith($" 2 rows from {pod.GetProperty("metadata").GetProperty("name").GetString()}", load);
        var users = Assert.Single(Directory.GetFiles(warehouse, "users-*.csv"));
        Assert.Equal("nobody,65534,/bin/false\nroot,0,/bin/sh\n", File.ReadAllText(users));

        // The CronJob's pipeline, run now as kubectl create job --from does: a second load into the same claim.
        (code, output, err) = await d.Sup("create", "job", "etl-manual", "--from=cronjob/etl-nightly");
        Assert.True(code == 0, err);
        (code, output, err) = await d.Sup("wait", "--for=condition=Complete", "job/etl-manual", "--timeout", "90s");
        Assert.True(code == 0, output + err + d.Process.Output);
        Assert.Contains("2 load(s) so far", (await d.Sup("logs", "job/etl-manual")).Out);
        Assert.Equal(2, File.ReadAllLines(Path.Combine(warehouse, "loads.log")).Length);
        Assert.Equal(0, await d.StopAsync());
    }
}

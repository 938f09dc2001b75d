using System.Globalization;
using System.Text.Json;

namespace MiniKube.Sup.EndToEnd;

/// <summary>Jobs and CronJobs in a real daemon with real processes: ordered steps, hung steps, the backoff limit,
/// a CronJob firing on the real clock, catch-up and no double runs across restarts.</summary>
public sealed class JobTests
{
    private static string Job(string name, string restartPolicy, string steps, int backoffLimit = 6, string annotations = "{}") => $$"""
        apiVersion: batch/v1
        kind: Job
        metadata: {name: {{name}}}
        spec:
          backoffLimit: {{backoffLimit}}
          template:
            metadata:
              annotations: {{annotations}}
            spec:
              restartPolicy: {{restartPolicy}}
              terminationGracePeriodSeconds: 2
        {{steps}}
        """;

    private static string Step(string name, string args) => $"""
              - name: {name}
                command: ["TESTAPP"]
                args: [{args}]
        """ + "\n";

    private static async Task<string[]> PodNames(SupDaemon d, string job)
    {
        var (_, output, _) = await d.Sup("get", "pods", "-l", $"batch.kubernetes.io/job-name={job}", "-o", "name");
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    /// <summary>The Job's pods as (name, uid, phase, when its container started): what tells a pod that ran once from
    /// one run again.</summary>
    private static async Task<(string Name, string Uid, string Phase, string Started)[]> PodRuns(SupDaemon d, string job)
    {
        var list = await Json(d, "pods", "-l", $"batch.kubernetes.io/job-name={job}");
        return list.GetProperty("items").EnumerateArray().Select(p => (
            p.GetProperty("metadata").GetProperty("name").GetString()!,
            p.GetProperty("metadata").GetProperty("uid").GetString()!,
            p.GetProperty("status").GetProperty("phase").GetString()!,
            p.GetProperty("status").GetProperty("containerStatuses")[0].GetProperty("state").GetProperty("terminated").GetProperty("startedAt").GetString()!)).ToArray();
    }

    private static async Task<JsonElement> Json(SupDaemon d, params string[] what)
    {
        var (code, output, err) = await d.Sup(["get", .. what, "-o", "json"]);
        Assert.True(code == 0, err);
        return JsonDocument.Parse(output).RootElement.Clone();
    }

    private static string? Condition(JsonElement job, string type) =>
        job.TryGetProperty("status", out var s) && s.TryGetProperty("conditions", out var cs)
            ? cs.EnumerateArray().Where(c => c.GetProperty("type").GetString() == type && c.GetProperty("status").GetString() == "True")
                .Select(c => c.GetProperty("reason").GetString()).FirstOrDefault()
            : null;

    [Fact]
    public async Task An_ETL_job_runs_its_three_steps_in_order_on_a_shared_file_and_completes()
    {
        var work = Directory.CreateTempSubdirectory("sup-etl-").FullName;
        var file = Path.Combine(work, "data.txt");
        var steps = "      initContainers:\n"
            + Step("extract", $"\"--print\", \"extracting\", \"--append\", \"{file}\", \"extract\", \"--exit-after\", \"200\"")
            + Step("transform", $"\"--print\", \"transforming\", \"--append\", \"{file}\", \"transform\", \"--exit-after\", \"200\"")
            + "      containers:\n"
            + Step("load", $"\"--print\", \"loading\", \"--append\", \"{file}\", \"load\", \"--exit\", \"0\"");
        await using var d = new SupDaemon(Job("etl", "Never", steps));
        await d.StartAsync();
        var (code, output, err) = await d.Sup("wait", "--for=condition=Complete", "job/etl", "--timeout", "60s");
        Assert.True(code == 0, output + err);

        Assert.Equal("extract\ntransform\nload\n", await File.ReadAllTextAsync(file));
        var (_, table, _) = await d.Sup("get", "jobs");
        var lines = table.TrimEnd().Split('\n');
        Assert.Matches(@"^NAME\s+STATUS\s+COMPLETIONS\s+DURATION\s+AGE$", lines[0]);
        Assert.Matches(@"^etl\s+Complete\s+1/1\s+\d+s\s+\d+s$", lines[1]);
        var job = await Json(d, "job", "etl");
        Assert.Equal("CompletionsReached", Condition(job, "Complete"));
        Assert.Equal(1, job.GetProperty("status").GetProperty("succeeded").GetInt32());
        Assert.True(job.GetProperty("status").TryGetProperty("completionTime", out _));

        var pod = Assert.Single(await PodNames(d, "etl"))["pod/".Length..];
        (code, output, err) = await d.Sup("logs", "job/etl");
        Assert.True(code == 0, err);
        Assert.Equal([$"[pod/{pod}/extract] extracting", $"[pod/{pod}/transform] transforming", $"[pod/{pod}/load] loading"],
            output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => !l.Contains("exiting", StringComparison.Ordinal)).ToArray());
        Assert.Equal(0, await d.StopAsync());
        Directory.Delete(work, recursive: true);
    }

    [Fact]
    public async Task A_hung_step_is_killed_after_its_timeout_and_succeeds_on_retry_in_place()
    {
        var work = Directory.CreateTempSubdirectory("sup-hang-").FullName;
        var file = Path.Combine(work, "data.txt");
        var marker = Path.Combine(work, "hung-once");
        var steps = "      initContainers:\n"
            + Step("extract", $"\"--append\", \"{file}\", \"extract\", \"--exit\", \"0\"")
            + Step("transform", $"\"--hang-once\", \"{marker}\", \"--append\", \"{file}\", \"transform\", \"--exit\", \"0\"")
            + "      containers:\n"
            + Step("load", $"\"--append\", \"{file}\", \"load\", \"--exit\", \"0\"");
        await using var d = new SupDaemon(Job("etl", "OnFailure", steps, annotations: "{sup.minikube.io/step-timeout-seconds.transform: \"2\"}"));
        await d.StartAsync();
        var (code, output, err) = await d.Sup("wait", "--for=condition=Complete", "job/etl", "--timeout", "60s");
        Assert.True(code == 0, output + err);

        // transform wrote its line, then hung; killed at 2 s and run again in place: extract ran once.
        Assert.Equal("extract\ntransform\ntransform\nload\n", await File.ReadAllTextAsync(file));
        var pod = await Json(d, Assert.Single(await PodNames(d, "etl")));
        var transform = pod.GetProperty("status").GetProperty("initContainerStatuses").EnumerateArray().Single(s => s.GetProperty("name").GetString() == "transform");
        Assert.Equal(1, transform.GetProperty("restartCount").GetInt32());
        Assert.Equal("DeadlineExceeded", transform.GetProperty("lastState").GetProperty("terminated").GetProperty("reason").GetString());
        var (_, events, _) = await d.Sup("events");
        Assert.Contains("ran longer than its step timeout of 2s", events);
        Assert.Equal(0, await d.StopAsync());
        Directory.Delete(work, recursive: true);
    }

    [Fact]
    public async Task A_job_that_always_fails_ends_Failed_BackoffLimitExceeded_after_exactly_backoffLimit_plus_one_attempts()
    {
        var steps = "      containers:\n" + Step("fail", "\"--exit\", \"3\"");
        await using var d = new SupDaemon(Job("broken", "Never", steps, backoffLimit: 2));
        await d.StartAsync(false, "--job-backoff-base", "0.1", "--job-backoff-max", "0.5");
        var (code, output, err) = await d.Sup("wait", "--for=condition=Failed", "job/broken", "--timeout", "60s");
        Assert.True(code == 0, output + err);

        var job = await Json(d, "job", "broken");
        Assert.Equal("BackoffLimitExceeded", Condition(job, "Failed"));
        Assert.Equal(3, job.GetProperty("status").GetProperty("failed").GetInt32());
        await Task.Delay(500); // a fourth attempt would have been created by now
        Assert.Equal(3, (await PodNames(d, "broken")).Length);
        var (_, table, _) = await d.Sup("get", "jobs");
        Assert.Matches(@"\nbroken\s+Failed\s+0/1\s+", table);
        Assert.Equal(0, await d.StopAsync());
    }

    private const string CronJob = """
        apiVersion: batch/v1
        kind: CronJob
        metadata: {name: tick CREATED}
        spec:
          schedule: "SCHEDULE"
          timeZone: Etc/UTC
          jobTemplate:
            spec:
              template:
                spec:
                  restartPolicy: Never
                  containers:
                  - name: run
                    command: ["TESTAPP"]
                    args: ["--print", "tick", "--exit", "0"]
        """;

    private static async Task<string[]> JobNames(SupDaemon d)
    {
        var (_, output, _) = await d.Sup("get", "jobs", "-o", "name");
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal).ToArray();
    }

    // The one test that waits on the real clock (up to a minute).
    [Fact]
    public async Task A_CronJob_every_minute_fires_at_the_minute_and_the_tick_is_not_run_again_after_a_restart()
    {
        await using var d = new SupDaemon(CronJob.Replace("SCHEDULE", "* * * * *").Replace(" CREATED", ""));
        await d.StartAsync();
        var started = DateTimeOffset.UtcNow;
        await Poll.Until(() => JobNames(d).GetAwaiter().GetResult().Length == 1, "the first tick's Job", 75);
        var name = Assert.Single(await JobNames(d))["job/".Length..];
        var tick = DateTimeOffset.FromUnixTimeSeconds(long.Parse(name["tick-".Length..], CultureInfo.InvariantCulture) * 60);
        Assert.True(tick > started && tick <= DateTimeOffset.UtcNow, $"{tick:O} is the minute after {started:O}");
        var job = await Json(d, "job", name);
        Assert.Equal(tick.ToString("yyyy-MM-ddTHH:mm:sszzz", CultureInfo.InvariantCulture),
            job.GetProperty("metadata").GetProperty("annotations").GetProperty("batch.kubernetes.io/cronjob-scheduled-timestamp").GetString());
        var (code, output, err) = await d.Sup("wait", "--for=condition=Complete", "job/" + name, "--timeout", "30s");
        Assert.True(code == 0, output + err);
        var (_, table, _) = await d.Sup("get", "cronjobs");
        Assert.Matches(@"^NAME\s+SCHEDULE\s+TIMEZONE\s+SUSPEND\s+ACTIVE\s+LAST SCHEDULE\s+AGE\n", table);
        Assert.Matches(@"\ntick\s+\* \* \* \* \*\s+Etc/UTC\s+False\s+0\s+\d+s\s+\d+s\n", table);
        var ran = Assert.Single(await PodRuns(d, name));
        Assert.Equal("Succeeded", ran.Phase);
        Assert.Equal(0, await d.StopAsync());

        await d.StartAsync();
        await Task.Delay(1000);
        var after = await JobNames(d);
        Assert.Contains("job/" + name, after); // the Job created before the restart is still there, Complete
        Assert.Equal("CompletionsReached", Condition(await Json(d, "job", name), "Complete"));
        Assert.Equal([ran], await PodRuns(d, name)); // its pod is kept, finished, and was not run again
        Assert.Equal(0, await d.StopAsync());
    }

    [Fact]
    public async Task Missed_ticks_give_exactly_one_catch_up_run_of_the_latest_and_a_restart_runs_none_twice()
    {
        // A CronJob last scheduled two hours ago (ticks every 5 minutes were all missed while the daemon was down, as
        // its stored status says): one run, for the latest. The status is written as a controller would, through the
        // status subresource, while the CronJob is suspended.
        var lastScheduled = DateTimeOffset.UtcNow.AddHours(-2).ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
        var manifest = CronJob.Replace("SCHEDULE", "*/5 * * * *").Replace(" CREATED", "");
        await using var d = new SupDaemon(manifest.Replace("  schedule:", "  suspend: true\n  schedule:"));
        await d.StartAsync(listen: true);
        var (patched, _, patchErr) = await d.Kubectl("patch", "cronjob", "tick", "--subresource=status", "--type=merge",
            "-p", $"{{\"status\":{{\"lastScheduleTime\":\"{lastScheduled}\"}}}}");
        Assert.True(patched == 0, patchErr);
        Assert.Empty(await JobNames(d));
        d.WriteManifest(manifest);
        var (applied, _, applyErr) = await d.Sup("apply", "-f", d.ManifestPath);
        Assert.True(applied == 0, applyErr);

        await Poll.Until(() => JobNames(d).GetAwaiter().GetResult().Length == 1, "the catch-up Job", 30);
        var name = Assert.Single(await JobNames(d))["job/".Length..];
        var minutes = long.Parse(name["tick-".Length..], CultureInfo.InvariantCulture);
        var latest = DateTimeOffset.UtcNow.ToUnixTimeSeconds() / 60 / 5 * 5;
        Assert.InRange(minutes, latest - 5, latest); // the latest 5-minute tick (one may pass while the test runs)
        var (code, output, err) = await d.Sup("wait", "--for=condition=Complete", "job/" + name, "--timeout", "30s");
        Assert.True(code == 0, output + err);
        var ran = Assert.Single(await PodRuns(d, name));
        Assert.Equal(0, await d.StopAsync());

        // Restarted: the Job is still listed, and nothing runs twice.
        await d.StartAsync();
        await Task.Delay(1500);
        var after = await JobNames(d);
        Assert.Contains("job/" + name, after);
        Assert.True(after.Length == 1 || (after.Length == 2 && DateTimeOffset.UtcNow.ToUnixTimeSeconds() / 60 / 5 * 5 > minutes),
            "only a tick that came after the first run may add a Job: " + string.Join(", ", after));
        Assert.Equal([ran], await PodRuns(d, name)); // not re-run
        var (_, table, _) = await d.Sup("get", "jobs");
        Assert.Matches($@"\n{name}\s+Complete\s+1/1\s+", table);
        Assert.Equal(0, await d.StopAsync());
    }
}

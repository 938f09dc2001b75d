using System.Globalization;
using System.Text.Json;
using MiniKube.Sup.Processes;

namespace MiniKube.Sup.EndToEnd;

/// <summary>Issue 20, adoption under the controllers: a daemon SIGKILLed at a CronJob's tick or in the middle of a
/// rolling update is followed by one that goes on from where it stopped: the tick's Job runs once (its running pod
/// adopted), a tick that passed while no daemon ran is caught up once, and a rollout continues with the pods that
/// ran, none duplicated. These wait on the real clock (a CronJob ticks once a minute): about two minutes.</summary>
public sealed class WorkloadAdoptionTests(Xunit.Abstractions.ITestOutputHelper log) : IAsyncLifetime
{
    private readonly string _dir = Directory.CreateTempSubdirectory("sup-adopt-wl-").FullName;
    private string StateDir => Path.Combine(_dir, "state");
    private string Marker => Path.Combine(_dir, "runs");
    private string ManifestPath => Path.Combine(_dir, "supervisor.yaml");

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await Leftovers.AssertNoneAsync(new StatePaths(StateDir));
        Directory.Delete(_dir, recursive: true);
    }

    private string Manifest(string yaml)
    {
        File.WriteAllText(ManifestPath, yaml.Replace("MARKER", Marker));
        return ManifestPath;
    }

    private SupProcess Start() => SupProcess.Start("run", "-f", ManifestPath, "--state-dir", StateDir, "--backoff-base", "0.2");

    [Fact]
    public async Task A_daemon_killed_at_a_CronJob_tick_runs_that_tick_once_and_catches_up_the_tick_it_slept_through_once()
    {
        Manifest("""
            apiVersion: batch/v1
            kind: CronJob
            metadata:
              name: minutely
            spec:
              schedule: "* * * * *"
              jobTemplate:
                spec:
                  backoffLimit: 0
                  template:
                    spec:
                      restartPolicy: Never
                      containers:
                        - name: step
                          command: ["sh", "-c", "echo $HOSTNAME >> MARKER; echo cron-step-running; while [ ! -e MARKER.go ]; do sleep 0.1; done; echo cron-step-done"]
            """);
        string firstJob;
        AdoptionChecks.ContainerState step;
        await using (var first = Start())
        {
            // Killed at the tick: the Job is made and its step runs.
            await first.WaitForLineAsync("cron-step-running", 75);
            firstJob = Assert.Single(await JobsAsync());
            step = await AdoptionChecks.RunningAsync(StateDir, await StepPodAsync(firstJob), "step");
            await Task.Delay(1000); // the status reaches the disk (ObjectStore's flush interval)
            first.Signal(Native.SIGKILL);
            await first.WaitForExitAsync(TimeSpan.FromSeconds(60));
        }
        Assert.True(IsAlive(step.Pid), "the tick's step outlived the daemon");

        await using (var second = Start())
        {
            await second.WaitForLineAsync("container step adopted", 30);
            AdoptionChecks.AssertKept(step, await AdoptionChecks.RunningAsync(StateDir, await StepPodAsync(firstJob), "step"), "the tick's step");
            File.WriteAllText(Marker + ".go", "");
            await Poll.Until(() => JobSucceeded(firstJob), $"job {firstJob} complete", 30);
            Assert.Contains(firstJob, await JobsAsync());
            Assert.Single(File.ReadAllLines(Marker), l => l.StartsWith(firstJob + "-", StringComparison.Ordinal));
            second.Signal(Native.SIGKILL);
            await second.WaitForExitAsync(TimeSpan.FromSeconds(60));
        }
        // No daemon runs over the next minute's tick.
        var now = DateTimeOffset.UtcNow;
        var slept = new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, now.Minute, 0, TimeSpan.Zero).AddMinutes(1);
        await Task.Delay(slept - now + TimeSpan.FromSeconds(2));
        var missedJob = $"minutely-{slept.ToUnixTimeSeconds() / 60}";

        await using var third = Start();
        try
        {
            await Poll.Until(() => JobSucceeded(missedJob), $"the missed tick's job {missedJob} run on start", 45);
            await Task.Delay(2000); // a second run of it, if any, would be made at once
        }
        finally { log.WriteLine("--- third daemon:\n" + third.Output); }
        var jobs = await JobsAsync();
        Assert.Contains(missedJob, jobs);
        var runs = File.ReadAllLines(Marker).Select(l => l[..l.LastIndexOf('-')]).ToList();
        // Every Job ran exactly once: the killed tick's (adopted, not run again), the missed one's, and any a later
        // tick made meanwhile.
        Assert.Equal(runs.Distinct().Order(), runs.Order());
        Assert.Equal(jobs.Order(), runs.Order());
        third.Signal(Native.SIGTERM);
        Assert.Equal(0, await third.WaitForExitAsync(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task A_daemon_killed_during_a_rolling_update_is_followed_by_one_that_finishes_it_with_the_pods_that_ran()
    {
        const string deployment = """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: web
            spec:
              replicas: 2
              strategy:
                rollingUpdate: { maxSurge: 1, maxUnavailable: 0 }
              selector:
                matchLabels: { app: web }
              template:
                metadata:
                  labels: { app: web }
                spec:
                  terminationGracePeriodSeconds: 5
                  containers:
                    - name: app
                      command: ["sh", "-c", "echo up VERSION; while true; do sleep 0.1; done"]
                      readinessProbe:
                        exec: { command: ["test", "-e", "MARKER.ready-VERSION"] }
                        periodSeconds: 1
            """;
        File.WriteAllText(Marker + ".ready-v1", "");
        Manifest(deployment.Replace("VERSION", "v1"));
        Dictionary<string, AdoptionChecks.ContainerState> ran;
        await using (var first = Start())
        {
            await Poll.Until(() => PodsAsync().Result.Count(p => p.Ready && p.Version == "v1") == 2, "2 v1 replicas ready", 30);
            // The update: its first new pod runs but is not Ready, so the rollout waits with 3 pods.
            Manifest(deployment.Replace("VERSION", "v2"));
            Assert.Equal(0, (await SupDaemon.Run(Binaries.Sup, ["apply", "-f", ManifestPath, "--state-dir", StateDir])).Code);
            await Poll.Until(() => PodsAsync().Result.Count(p => p.Pid > 0 && p.Version == "v2") == 1, "a v2 pod running", 30);
            await Task.Delay(1000); // the status reaches the disk
            ran = await StatesAsync(await PodsAsync());
            Assert.Equal(3, ran.Count);
            first.Signal(Native.SIGKILL);
            await first.WaitForExitAsync(TimeSpan.FromSeconds(60));
        }

        await using var second = Start();
        await Poll.Until(() => PodsAsync().Result is { Count: 3 } pods && pods.All(p => p.Pid > 0), "the three pods back under a daemon", 30);
        // Adopted, all three: the same pods with the same processes, restart counts and start times, none made again.
        var adopted = await StatesAsync(await PodsAsync());
        Assert.Equal(ran.Keys.Order(), adopted.Keys.Order());
        foreach (var (name, state) in ran) AdoptionChecks.AssertKept(state, adopted[name], name);

        File.WriteAllText(Marker + ".ready-v2", "");
        await Poll.Until(() => PodsAsync().Result is { Count: 2 } pods && pods.All(p => p.Ready && p.Version == "v2"), "the rollout finished", 60);
        var after = await PodsAsync();
        var adoptedNew = ran.Single(p => after.Any(a => a.Name == p.Key));
        AdoptionChecks.AssertKept(adoptedNew.Value, await AdoptionChecks.StatusAsync(StateDir, adoptedNew.Key, "app"), $"the adopted v2 pod {adoptedNew.Key}");
        Assert.All(ran.Values, c => Assert.True(c.Pid == adoptedNew.Value.Pid || !IsAlive(c.Pid), $"old replica {c.Pid} stopped"));
        second.Signal(Native.SIGTERM);
        Assert.Equal(0, await second.WaitForExitAsync(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task A_daemon_killed_in_the_middle_of_an_apply_keeps_every_object_it_acknowledged_and_adopts_its_pods()
    {
        Manifest("""
            apiVersion: v1
            kind: Pod
            metadata:
              name: ticker
            spec:
              terminationGracePeriodSeconds: 5
              containers:
                - name: count
                  command: ["sh", "-c", "while true; do sleep 0.1; done"]
            """);
        var many = Path.Combine(_dir, "many.yaml");
        File.WriteAllText(many, string.Join("---\n", Enumerable.Range(1, 400).Select(i => $"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-{i}\ndata:\n  n: \"{i}\"\n")));
        List<string> acknowledged;
        AdoptionChecks.ContainerState ticker;
        await using (var first = Start())
        {
            ticker = await AdoptionChecks.RunningAsync(StateDir, "ticker", "count");
            await Task.Delay(1000); // the pod's status reaches the disk
            await using var apply = SupProcess.Start("apply", "-f", many, "--state-dir", StateDir);
            await Poll.Until(() => apply.Lines.Count(l => l.EndsWith(" created", StringComparison.Ordinal)) >= 50, "50 objects applied", 60);
            first.Signal(Native.SIGKILL);
            await first.WaitForExitAsync(TimeSpan.FromSeconds(60));
            Assert.NotEqual(0, await apply.WaitForExitAsync(TimeSpan.FromSeconds(30)));
            acknowledged = apply.Lines.Where(l => l.StartsWith("configmap/", StringComparison.Ordinal) && l.EndsWith(" created", StringComparison.Ordinal))
                .Select(l => l["configmap/".Length..^" created".Length]).ToList();
            log.WriteLine($"{acknowledged.Count} of 400 acknowledged before the kill");
        }

        await using var second = Start();
        AdoptionChecks.AssertKept(ticker, await AdoptionChecks.RunningAsync(StateDir, "ticker", "count"), "ticker/count");
        var stored = (await SupDaemon.Run(Binaries.Sup, ["get", "cm", "-o", "name", "--state-dir", StateDir])).Out
            .Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(n => n.Trim()[(n.Trim().LastIndexOf('/') + 1)..]).ToHashSet();
        Assert.All(acknowledged, name => Assert.Contains(name, stored));
        // The same apply again finishes the job.
        Assert.Equal(0, (await SupDaemon.Run(Binaries.Sup, ["apply", "-f", many, "--state-dir", StateDir])).Code);
        var all = (await SupDaemon.Run(Binaries.Sup, ["get", "cm", "-o", "name", "--state-dir", StateDir])).Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(400, all.Count(n => n.Contains("/cm-", StringComparison.Ordinal)));
        second.Signal(Native.SIGTERM);
        Assert.Equal(0, await second.WaitForExitAsync(TimeSpan.FromSeconds(30)));
    }

    /// <summary>The app container's state in each of these pods, read once more through the API.</summary>
    private async Task<Dictionary<string, AdoptionChecks.ContainerState>> StatesAsync(IEnumerable<PodView> pods)
    {
        var states = new Dictionary<string, AdoptionChecks.ContainerState>();
        foreach (var p in pods) states[p.Name] = await AdoptionChecks.StatusAsync(StateDir, p.Name, "app");
        return states;
    }

    private sealed record PodView(string Name, int Pid, bool Ready, string Version);

    private async Task<List<PodView>> PodsAsync()
    {
        var (code, json, _) = await SupDaemon.Run(Binaries.Sup, ["get", "pods", "-o", "json", "--state-dir", StateDir]);
        if (code != 0) return [];
        return JsonDocument.Parse(json).RootElement.GetProperty("items").EnumerateArray()
            .Where(p => !p.GetProperty("metadata").TryGetProperty("deletionTimestamp", out _))
            .Select(p =>
            {
                var status = p.GetProperty("status");
                var c = status.TryGetProperty("containerStatuses", out var cs) ? cs.EnumerateArray().FirstOrDefault() : default;
                var pid = c.ValueKind == JsonValueKind.Object && c.GetProperty("state").TryGetProperty("running", out _) && c.TryGetProperty("containerID", out var id)
                    ? int.Parse(id.GetString()!["sup://".Length..], CultureInfo.InvariantCulture) : 0;
                var ready = c.ValueKind == JsonValueKind.Object && c.GetProperty("ready").GetBoolean();
                var command = p.GetProperty("spec").GetProperty("containers")[0].GetProperty("command")[2].GetString()!;
                return new PodView(p.GetProperty("metadata").GetProperty("name").GetString()!, pid, ready, command.Contains("up v2", StringComparison.Ordinal) ? "v2" : "v1");
            })
            .ToList();
    }

    private async Task<List<string>> JobsAsync()
    {
        var (code, names, _) = await SupDaemon.Run(Binaries.Sup, ["get", "jobs", "-o", "name", "--state-dir", StateDir]);
        return code == 0 ? names.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(n => n.Trim()[(n.Trim().LastIndexOf('/') + 1)..]).ToList() : [];
    }

    private bool JobSucceeded(string job) =>
        SupDaemon.Run(Binaries.Sup, ["get", "job", job, "-o", "jsonpath={.status.succeeded}", "--state-dir", StateDir]).Result.Out.Trim() == "1";

    private async Task<string> StepPodAsync(string job)
    {
        var name = "";
        await Poll.Until(() =>
        {
            var (code, output, _) = SupDaemon.Run(Binaries.Sup, ["get", "pods", "-l", $"job-name={job}", "-o", "jsonpath={.items[0].metadata.name}", "--state-dir", StateDir]).Result;
            return code == 0 && (name = output.Trim()).Length > 0;
        }, $"the pod of {job}, through the API", 30);
        return name;
    }

    private static bool IsAlive(int pid) => ProcFs.TryRead(pid, out var p) && !p.IsZombie;
}

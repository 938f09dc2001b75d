using MiniKube.Sup.Processes;

namespace MiniKube.Sup.EndToEnd;

/// <summary>`sup run --exit-with job/NAME` as a CI harness: everything runs, the Job's end stops everything
/// gracefully, and the exit code is the Job's result (0 Complete, 1 Failed with its logs, 124 timeout).</summary>
public sealed class ExitWithTests : IAsyncLifetime
{
    private readonly string _dir = Directory.CreateTempSubdirectory("sup-exit-with-").FullName;
    private string StateDir => Path.Combine(_dir, "state");

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await Leftovers.AssertNoneAsync(new StatePaths(StateDir));
        Directory.Delete(_dir, recursive: true);
    }

    /// <summary>A server that runs until stopped (and says when SIGTERM reached it) and a Job "tests" of <paramref name="args"/>.</summary>
    private string Manifest(string args)
    {
        var path = Path.Combine(_dir, "supervisor.yaml");
        File.WriteAllText(path, $$"""
            apiVersion: v1
            kind: Pod
            metadata: {name: app}
            spec:
              terminationGracePeriodSeconds: 5
              containers:
                - name: server
                  command: ["{{Binaries.TestApp}}"]
                  args: ["--print", "app-up", "--on-sigterm-append", "{{Path.Combine(_dir, "app-stopped")}}", "sigterm"]
            ---
            apiVersion: batch/v1
            kind: Job
            metadata: {name: tests}
            spec:
              backoffLimit: 0
              template:
                spec:
                  restartPolicy: Never
                  terminationGracePeriodSeconds: 2
                  containers:
                    - name: run
                      command: ["{{Binaries.TestApp}}"]
                      args: [{{args}}]
            """);
        return path;
    }

    private async Task<(int Code, string Output)> RunAsync(string manifest, params string[] extra)
    {
        await using var sup = SupProcess.Start(["run", "-f", manifest, "--state-dir", StateDir, .. extra]);
        var code = await sup.WaitForExitAsync(TimeSpan.FromSeconds(60));
        return (code, sup.Output);
    }

    [Fact]
    public async Task A_job_that_completes_stops_everything_gracefully_and_exits_0()
    {
        var (code, output) = await RunAsync(Manifest("\"--print\", \"all tests passed\", \"--exit-after\", \"300\""), "--exit-with", "job/tests", "--timeout", "60s");

        Assert.True(code == 0, output);
        Assert.Contains("tests-", output);
        Assert.Contains("all tests passed", output);
        Assert.Contains("job/tests Complete", output);
        Assert.Contains("all pods stopped", output);
        Assert.StartsWith("sigterm", File.ReadAllText(Path.Combine(_dir, "app-stopped"))); // stopped gracefully, not killed
    }

    [Fact]
    public async Task A_job_that_fails_prints_its_logs_stops_everything_and_exits_1()
    {
        var (code, output) = await RunAsync(Manifest("\"--print\", \"expected 2 got 3\", \"--exit\", \"1\""), "--exit-with", "job/tests");

        Assert.True(code == 1, output);
        Assert.Contains("job/tests Failed", output);
        // The logs printed after the verdict, as `sup logs job/tests` prints them (that prefix is theirs alone). The
        // verdict goes to stderr and the logs to stdout: their order is not observable through two pipes (the CI of
        // 7fb0865 read the logs' line first).
        Assert.True(System.Text.RegularExpressions.Regex.IsMatch(output, @"\[pod/tests-[a-z0-9]+/run\] expected 2 got 3"), output);
        Assert.Contains("all pods stopped", output);
        Assert.StartsWith("sigterm", File.ReadAllText(Path.Combine(_dir, "app-stopped")));
    }

    [Fact]
    public async Task A_job_that_runs_past_the_timeout_is_stopped_with_everything_and_exits_124()
    {
        var (code, output) = await RunAsync(Manifest("\"--print\", \"hanging\""), "--exit-with", "job/tests", "--timeout", "2s");

        Assert.True(code == 124, output);
        Assert.Contains("job/tests did not finish within 2s", output);
        Assert.Contains("all pods stopped", output);
    }

    [Fact]
    public async Task Exit_with_a_job_the_manifests_do_not_have_is_bad_input_exit_2_and_starts_nothing()
    {
        var manifest = Manifest("\"--exit\", \"0\"");
        var (code, output) = await RunAsync(manifest, "--exit-with", "job/nope");
        Assert.True(code == 2, output);
        Assert.Contains("no Job named nope", output);

        (code, output) = await RunAsync(manifest, "--exit-with", "pod/app");
        Assert.True(code == 2, output);
        (code, output) = await RunAsync(manifest, "--timeout", "5s");
        Assert.True(code == 2, output);
        Assert.False(Directory.Exists(StateDir) && File.Exists(Path.Combine(StateDir, "sup.sock")));
    }
}

using MiniKube.Sup.Processes;

namespace MiniKube.Sup.EndToEnd.Examples;

/// <summary>examples/ci-harness with Debian's mariadb-server and busybox: `sup run --exit-with job/tests` starts the
/// database, the app and the test Job, and exits with the tests' result once everything has stopped.</summary>
public sealed class CiHarnessExampleTests : IAsyncLifetime
{
    private readonly string _dir = Directory.CreateTempSubdirectory("sup-ci-harness-").FullName;
    private string StateDir => Path.Combine(_dir, "state");

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await Leftovers.AssertNoneAsync(new StatePaths(StateDir));
        Directory.Delete(_dir, recursive: true);
    }

    private async Task<(int Code, string Output)> RunAsync(string manifest)
    {
        var path = Path.Combine(_dir, "supervisor.yaml");
        await File.WriteAllTextAsync(path, manifest);
        await using var sup = SupProcess.Start("run", "-f", path, "--state-dir", StateDir, "--exit-with", "job/tests", "--timeout", "90s");
        var code = await sup.WaitForExitAsync(TimeSpan.FromSeconds(120));
        return (code, sup.Output);
    }

    [Fact]
    public async Task Passing_tests_against_the_real_database_and_app_exit_0_with_everything_stopped()
    {
        var (code, output) = await RunAsync(Example.Manifest("ci-harness"));

        Assert.True(code == 0, output);
        Assert.Contains("db/install-db | data directory initialised", output);
        Assert.Contains("mariadbd: ready for connections", output);
        Assert.Contains("suite | ok - the app counts them", output);
        Assert.Contains("suite | all tests passed", output);
        Assert.Contains("job/tests Complete", output);
        Assert.Contains("all pods stopped", output);
    }

    [Fact]
    public async Task Failing_tests_exit_1_with_the_suites_logs_printed_and_everything_stopped()
    {
        // The app's data changed under the tests: one more item than they expect.
        var manifest = Example.Manifest("ci-harness").Replace("('cheese', 4.75)", "('cheese', 4.75), ('dates', 6.10)");
        var (code, output) = await RunAsync(manifest);

        Assert.True(code == 1, output);
        var failed = output.IndexOf("job/tests Failed", StringComparison.Ordinal);
        Assert.True(failed >= 0, output);
        Assert.Matches(@"\[pod/tests-[a-z0-9]+/suite\] not ok - the app counts them", output[failed..]);
        Assert.Contains("all pods stopped", output);
    }
}

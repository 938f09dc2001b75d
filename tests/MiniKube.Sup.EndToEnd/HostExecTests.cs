using MiniKube.Sup.Processes;
using MiniKube.Sup.Runtime;

namespace MiniKube.Sup.EndToEnd;

/// <summary>A command run in a host container (the runtime's exec, CRI ExecSync) runs as the container's own
/// processes do: real processes, the daemon's cgroups where it may create them.</summary>
public sealed class HostExecTests : IAsyncLifetime, IContainerOutput
{
    private readonly string _dir = Directory.CreateTempSubdirectory("sup-exec-").FullName;
    private readonly ProcessTracking _tracking;
    private readonly HostProcessRuntime _runtime;
    private readonly IContainerInstance _container;

    public HostExecTests()
    {
        _tracking = ProcessTracking.Detect("exec" + Guid.NewGuid().ToString("N")[..8]);
        _runtime = new HostProcessRuntime(this, tracking: _tracking);
        _container = _runtime.Start(new ContainerLaunch("p", "app", ["sleep", "300"],
            new Dictionary<string, string>
            {
                ["PATH"] = Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin:/bin",
                ["GREETING"] = "hi",
                [ContainerProcesses.OwnerVariable] = "an-impostor",
            },
            _dir, Path.Combine(_dir, "logs", "0.log"), "exec-test/p/uid/app/1", "uid", 1));
    }

    public Task InitializeAsync() => Task.CompletedTask;

    /// <summary>xunit 2 disposes a test class through IAsyncLifetime only (an IAsyncDisposable class was never
    /// disposed: every test left its `sleep 300` and its cgroup behind).</summary>
    public async Task DisposeAsync()
    {
        var pid = _container.Pid;
        _container.SignalGroup(Native.SIGKILL);
        await _container.Exited.WaitAsync(TimeSpan.FromSeconds(10));
        await _container.KillRemainingAsync(TimeProvider.System, TimeSpan.FromSeconds(5));
        var tree = _tracking.Cgroups?.Directory;
        await _tracking.ReleaseAsync(TimeProvider.System);
        Directory.Delete(_dir, recursive: true);
        await Poll.Until(() => Leftovers.IsGone(pid), "the container's process gone");
        Assert.True(tree is null || !Directory.Exists(tree), $"cgroup tree {tree} left behind");
    }

    void IContainerOutput.WriteLine(string pod, string container, string line) { }

    private Task<ExecResult> Exec(params string[] command) =>
        _runtime.ExecAsync(_container, command, TimeSpan.FromSeconds(5), CancellationToken.None);

    [Fact]
    public async Task A_command_gets_the_containers_environment_working_directory_and_owner_mark()
    {
        var result = await Exec("sh", "-c", $"echo $GREETING $(pwd) ${ContainerProcesses.OwnerVariable}; exit 4");
        Assert.Equal(ExitStatus.Exited(4), result.Status);
        Assert.Equal($"hi {_dir} exec-test/p/uid/app/1\n", result.Output);
    }

    [Fact]
    public async Task A_container_cannot_replace_its_owner_mark_with_a_variable_of_its_own()
    {
        // Until the spawn gate opens the child is still a copy of this process, with this process's environment; and
        // the exec names it "sleep" a moment before its new environment can be read (an empty /proc/PID/environ: the
        // CI of 8cdba4a read it then).
        string? mark = null;
        await Poll.Until(() => ProcFs.TryRead(_container.Pid, out var p) && p.Comm == "sleep"
            && (mark = ProcFs.ReadEnvironmentVariable(_container.Pid, ContainerProcesses.OwnerVariable)) is not null, "the container's program running");
        Assert.Equal("exec-test/p/uid/app/1", mark);
        var result = await Exec("env");
        Assert.Single(result.Output.Split('\n'), line => line.StartsWith(ContainerProcesses.OwnerVariable + "=", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_command_runs_in_the_containers_cgroup()
    {
        var container = File.ReadAllText($"/proc/{_container.Pid}/cgroup");
        var result = await Exec("cat", "/proc/self/cgroup");
        Assert.Equal(container, result.Output);
        if (_tracking.Cgroups is not null) Assert.Contains("_app_1", result.Output);
    }

    [Fact]
    public async Task A_command_past_its_timeout_is_killed_with_all_it_started_and_the_container_lives_on()
    {
        var pidFile = Path.Combine(_dir, "child.pid");
        var result = await _runtime.ExecAsync(_container, ["sh", "-c", $"echo started; sleep 30 & echo $! > {pidFile}; wait"],
            TimeSpan.FromMilliseconds(500), CancellationToken.None);
        Assert.True(result.TimedOut);
        Assert.Equal("started\n", result.Output);
        var child = int.Parse(File.ReadAllText(pidFile).Trim());
        await Poll.Until(() => Leftovers.IsGone(child), "the command's child gone");
        Assert.False(_container.Exited.IsCompleted);
    }

    [Fact]
    public async Task Output_is_kept_up_to_ten_KiB()
    {
        var result = await Exec("sh", "-c", "head -c 50000 /dev/zero | tr '\\0' x");
        Assert.Equal(10 * 1024, result.Output.Length);
    }

    [Fact]
    public async Task A_command_that_cannot_be_found_is_not_run()
    {
        var e = await Assert.ThrowsAsync<ContainerExecException>(() => Exec("no-such-command-here"));
        Assert.Equal("exec: \"no-such-command-here\": executable file not found in $PATH", e.Message);
    }
}

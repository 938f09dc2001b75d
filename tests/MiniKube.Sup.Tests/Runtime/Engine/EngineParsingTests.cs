using MiniKube.Sup.Runtime.Engine;

namespace MiniKube.Sup.Tests.Runtime.Engine;

public sealed class EngineParsingTests
{
    [Fact]
    public void Inspect_output_gives_pid_exit_code_oom_stop_signal_and_environment()
    {
        var line = "\"web_app_1\"\t\"abc123\"\t4242\tfalse\t137\ttrue\t\"\"\t3\t\"1000\"\t\"/srv\"\t[\"PATH=/bin\",\"A=b c\"]";
        var state = EngineContainerState.Parse(line)!;
        Assert.Equal(("web_app_1", "abc123", 4242, false, 137, true), (state.Name, state.Id, state.Pid, state.Running, state.ExitCode, state.OomKilled));
        Assert.Equal("3", state.StopSignal);
        Assert.Equal(("1000", "/srv"), (state.User, state.WorkingDir));
        Assert.Equal(["PATH=/bin", "A=b c"], state.Environment);
    }

    [Fact]
    public void Dockers_inspect_names_begin_with_a_slash_and_a_container_it_could_not_start_has_its_error()
    {
        var state = EngineContainerState.Parse("\"/web_app_1\"\t\"abc\"\t0\tfalse\t127\tfalse\t\"OCI runtime create failed: exec: \\\"nope\\\": executable file not found\"\t\t\"\"\t\"\"\t[]")!;
        Assert.Equal("web_app_1", state.Name);
        Assert.Equal("OCI runtime create failed: exec: \"nope\": executable file not found", state.Error);
        Assert.False(state.Started);
        Assert.True(EngineContainerState.Parse("\"/q\"\t\"a\"\t0\tfalse\t0\tfalse\t\"\"\t\t\"\"\t\"\"\t[]")!.Started); // ran and ended already
    }

    [Theory]
    [InlineData("15")]
    [InlineData("SIGTERM")]
    public void SIGTERM_as_stop_signal_needs_no_translation(string signal)
    {
        var state = EngineContainerState.Parse($"\"n\"\t\"i\"\t1\ttrue\t0\tfalse\t\"\"\t{signal}\t\"\"\t\"/\"\t[]")!;
        Assert.Null(state.StopSignal);
    }

    [Fact]
    public void The_cgroup_of_a_container_under_cgroup_v1_is_read_per_hierarchy()
    {
        string[] lines =
        [
            "9:name=systemd:/libpod_parent/p/libpod-c",
            "8:pids:/libpod_parent/p/libpod-c",
            "4:memory:/libpod_parent/p/libpod-c",
            "1:cpu,cpuacct:/libpod_parent/p/libpod-c",
            "0::/libpod_parent/p/libpod-c",
        ];
        var cgroup = EngineCgroup.Parse(lines, _ => true)!;
        Assert.Equal("/sys/fs/cgroup/pids/libpod_parent/p/libpod-c", cgroup.ProcessesDirectory);
        Assert.Equal("/sys/fs/cgroup/memory/libpod_parent/p/libpod-c", cgroup.MemoryDirectory);
    }

    [Fact]
    public void The_cgroup_of_a_container_under_cgroup_v2_is_one_directory()
    {
        var cgroup = EngineCgroup.Parse(["0::/machine.slice/libpod-c.scope"], path => !path.Contains("/unified", StringComparison.Ordinal))!;
        Assert.Equal("/sys/fs/cgroup/machine.slice/libpod-c.scope", cgroup.ProcessesDirectory);
        Assert.Equal(cgroup.ProcessesDirectory, cgroup.MemoryDirectory);
    }

    [Fact]
    public void Exec_enters_every_namespace_of_the_main_process_with_its_root_working_directory_and_user()
    {
        var argv = NsenterExec.Argv(new EngineExecContext(4242, [], null, 1000, 2000), ["cat", "/tmp/healthy"]);
        Assert.Equal(["nsenter", "--target", "4242", "--mount", "--uts", "--ipc", "--net", "--pid", "--root", "--wd",
            "--setuid", "1000", "--setgid", "2000", "--", "cat", "/tmp/healthy"], argv);
    }

    [Fact]
    public void A_rootless_exec_enters_the_engines_user_namespace_before_the_others()
    {
        var argv = NsenterExec.Argv(new EngineExecContext(4242, [], null, null, null, UserNamespace: true), ["true"]);
        Assert.Equal(["nsenter", "--target", "4242", "--user", "--mount", "--uts", "--ipc", "--net", "--pid", "--root", "--wd", "--", "true"], argv);
    }

    [Fact]
    public void The_engine_problem_is_its_last_error_line_without_prefix_or_log_lines()
    {
        var result = new EngineResult(125, "", "time=\"x\" level=warning msg=\"y\"\nError: no such image: nope\n");
        Assert.Equal("no such image: nope", result.Problem);
    }
}

using k8s.Models;
using MiniKube.Sup.Probes;
using MiniKube.Sup.Processes;
using MiniKube.Sup.Runtime;
using MiniKube.Sup.Tests.Pods;

namespace MiniKube.Sup.Tests.Probes;

/// <summary>The exec prober turns what the runtime's exec says into probe and hook outcomes, as the kubelet's does.</summary>
public class ExecProberTests
{
    private readonly FakeContainerRuntime _runtime = new();

    private ProbeRequest Request(ProbePurpose purpose, string[] command, V1Container? container = null) =>
        new(purpose, new ProbeAction(Exec: new V1ExecAction { Command = command }),
            new ProbeTarget("p", "127.0.1.1", container ?? new V1Container { Name = "app" }, _runtime.StartOne()), TimeSpan.FromSeconds(1));

    private void Exits(int code, string output) =>
        _runtime.OnExec = (_, _, _, _) => Task.FromResult(ExecResult.Exited(ExitStatus.Exited(code), output));

    [Fact]
    public async Task The_command_runs_in_the_probed_container_with_the_probe_timeout()
    {
        var request = Request(ProbePurpose.Liveness, ["check", "--fast"]);
        await new ExecProber(_runtime).ProbeAsync(request, CancellationToken.None);
        var exec = Assert.Single(_runtime.Execs);
        Assert.Same(request.Target.Instance, exec.Instance);
        Assert.Equal(["check", "--fast"], exec.Command);
        Assert.Equal(TimeSpan.FromSeconds(1), exec.Timeout);
    }

    [Fact]
    public async Task Exit_zero_is_success_and_any_other_exit_a_failure_with_the_output()
    {
        Exits(0, "fine\n");
        Assert.Equal(ProbeOutcome.Success("fine\n"), await new ExecProber(_runtime).ProbeAsync(Request(ProbePurpose.Readiness, ["check"]), CancellationToken.None));
        Exits(3, "bad\n");
        Assert.Equal(ProbeOutcome.Failure("bad\n"), await new ExecProber(_runtime).ProbeAsync(Request(ProbePurpose.Readiness, ["check"]), CancellationToken.None));
    }

    [Fact]
    public async Task A_failed_hook_says_which_command_exited_with_what()
    {
        Exits(2, "no\n");
        var outcome = await new ExecProber(_runtime).ProbeAsync(Request(ProbePurpose.PreStop, ["drain", "now"]), CancellationToken.None);
        Assert.Equal(ProbeOutcome.Failure("command 'drain now' exited with 2: no\n"), outcome);
    }

    [Fact]
    public async Task A_command_that_timed_out_is_a_failure_naming_it()
    {
        _runtime.OnExec = (_, _, _, _) => Task.FromResult(ExecResult.Timeout("partial"));
        var outcome = await new ExecProber(_runtime).ProbeAsync(Request(ProbePurpose.Liveness, ["sh", "-c", "sleep 30"]), CancellationToken.None);
        Assert.Equal(ProbeOutcome.Failure("command \"sh -c sleep 30\" timed out"), outcome);
    }

    [Fact]
    public async Task A_command_that_cannot_run_is_a_probe_error_but_a_hook_failure()
    {
        _runtime.OnExec = (_, _, _, _) => throw new ContainerExecException("exec: \"nope\": executable file not found in $PATH");
        var probe = await new ExecProber(_runtime).ProbeAsync(Request(ProbePurpose.Liveness, ["nope"]), CancellationToken.None);
        Assert.Equal(ProbeOutcome.Error("exec: \"nope\": executable file not found in $PATH"), probe);
        var hook = await new ExecProber(_runtime).ProbeAsync(Request(ProbePurpose.PostStart, ["nope"]), CancellationToken.None);
        Assert.Equal(ProbeOutcome.Failure("exec: \"nope\": executable file not found in $PATH"), hook);
    }

    [Fact]
    public async Task Only_the_containers_literal_env_values_expand_in_the_command()
    {
        var container = new V1Container
        {
            Name = "app",
            Env =
            [
                new V1EnvVar { Name = "PORT", Value = "8080" },
                new V1EnvVar { Name = "URL", Value = "http://localhost:$(PORT)" },
                new V1EnvVar { Name = "FROM_SECRET", ValueFrom = new V1EnvVarSource() },
            ],
        };
        await new ExecProber(_runtime).ProbeAsync(Request(ProbePurpose.Liveness, ["curl", "$(URL)/health", "$(FROM_SECRET)", "$$(PORT)"], container), CancellationToken.None);
        Assert.Equal(["curl", "http://localhost:8080/health", "$(FROM_SECRET)", "$(PORT)"], Assert.Single(_runtime.Execs).Command);
    }

    [Fact]
    public async Task Cancellation_by_the_caller_is_not_turned_into_an_outcome()
    {
        _runtime.OnExec = (_, _, _, token) => Task.FromCanceled<ExecResult>(token);
        using var cancel = new CancellationTokenSource();
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => new ExecProber(_runtime).ProbeAsync(Request(ProbePurpose.Liveness, ["check"]), cancel.Token));
    }
}

using System.ComponentModel;
using MiniKube.Sup.Processes;
using MiniKube.Sup.Runtime;
using MiniKube.Sup.Spec;

namespace MiniKube.Sup.Probes;

/// <summary>
/// k8s exec probe: runs the command (argv, no shell) "in the container": with the container's environment and
/// working directory and its owner mark, so the process view and clean-up see it as the container's. Exit 0 is
/// success, anything else failure; at the timeout its whole process group is SIGKILLed and the attempt is a
/// failure ("command … timed out"). It is spawned like a container (its own session) and watched by pid through
/// the daemon's reaper, so its real exit code is known and nothing it forks is left behind.
/// </summary>
public sealed class ExecProber(TimeProvider time) : IProber
{
    private static readonly TimeSpan OutputGrace = TimeSpan.FromMilliseconds(200);

    public async Task<ProbeOutcome> ProbeAsync(ProbeRequest request, CancellationToken cancellationToken)
    {
        var action = request.Action.Exec ?? throw new ArgumentException("not an exec handler", nameof(request));
        var target = request.Target;
        var argv = ExpandStatic(action.Command ?? [], target.Container);
        var commandText = string.Join(' ', argv);
        if (argv.Count == 0 || string.IsNullOrEmpty(argv[0])) return NotRun(request, "no command specified");
        var path = target.Environment.TryGetValue("PATH", out var p) ? p : Environment.GetEnvironmentVariable("PATH") ?? "/usr/local/bin:/usr/bin:/bin";
        var executable = ExecutableResolver.Resolve(argv[0], path, target.WorkingDirectory);
        if (executable is null) return NotRun(request, $"exec: \"{argv[0]}\": executable file not found in $PATH");
        var environment = target.Environment
            .Where(kv => kv.Key != ContainerProcesses.OwnerVariable)
            .Select(kv => $"{kv.Key}={kv.Value}")
            .Append($"{ContainerProcesses.OwnerVariable}={target.OwnerToken}")
            .ToList();

        if (Native.CreatePipe(out var readFd, out var writeFd) is var errno and not 0) return NotRun(request, "cannot create output pipe: " + Errno.Describe(errno));
        var capture = new ProbeOutputCapture();
        int pid;
        Task<ExitStatus> exited;
        try
        {
            // k8s: the command runs in the container, so here in its cgroup (it is killed and shown with it).
            var spawn = new SpawnRequest(executable, argv, environment, target.WorkingDirectory, writeFd, target.Cgroup);
            (pid, exited) = ChildReaper.Shared.SpawnWatched(() => ProcessSpawner.Spawn(spawn));
        }
        catch (Win32Exception e)
        {
            Native.close(readFd);
            return NotRun(request, e.Message);
        }
        finally
        {
            Native.close(writeFd);
        }
        OutputMultiplexer.Shared.Add(readFd, capture);

        using var deadline = new ProbeDeadline(request.Timeout, time, cancellationToken);
        ExitStatus status;
        try
        {
            status = await exited.WaitAsync(deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // k8s: a probe that outlives its timeout is killed. Here the whole group goes, then we wait for the
            // reaper to collect it, so no zombie and no straggler stays behind.
            Native.kill(-pid, Native.SIGKILL);
            await exited.ConfigureAwait(false);
            if (deadline.TimedOut) return ProbeOutcome.Failure($"command \"{commandText}\" timed out");
            throw;
        }
        // A command that exited on its own is reaped already: its group id may be reused now, so it is not
        // signalled; anything it left running carries the container's owner mark and goes with the container.
        try { await capture.Closed.WaitAsync(OutputGrace, time, CancellationToken.None).ConfigureAwait(false); }
        catch (TimeoutException) { /* a daemonized grandchild holds the pipe: report what we have */ }
        var output = capture.Text;
        if (status.Succeeded) return ProbeOutcome.Success(output);
        return ProbeOutcome.Failure(request.IsHook ? $"command '{commandText}' exited with {status.ExitCode}: {output}" : output);
    }

    /// <summary>The command could not be started: a probe error (its result is discarded, as the kubelet does
    /// with a runtime error), but a failed hook.</summary>
    private static ProbeOutcome NotRun(ProbeRequest request, string message) =>
        request.IsHook ? ProbeOutcome.Failure(message) : ProbeOutcome.Error(message);

    /// <summary>k8s ExpandContainerCommandOnlyStatic: $(VAR) refers only to the container's literal env values.</summary>
    private static List<string> ExpandStatic(IEnumerable<string> command, k8s.Models.V1Container container)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var env in container.Env ?? [])
            if (env.ValueFrom is null) values[env.Name] = VariableExpansion.Expand(env.Value ?? "", n => values.GetValueOrDefault(n));
        return command.Select(a => VariableExpansion.Expand(a, n => values.GetValueOrDefault(n))).ToList();
    }
}

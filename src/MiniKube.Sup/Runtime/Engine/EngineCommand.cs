using System.Text;
using CliWrap;
using MiniKube.Sup.Processes;

namespace MiniKube.Sup.Runtime.Engine;

/// <summary>
/// Runs the engine's command line (podman or docker) through CliWrap, the one way every engine command is run.
/// Each child is started under the reaper's mark (<see cref="ChildReaper.StartDotnetChild{T}"/>): .NET waits for it
/// itself, and the daemon's reaper must never take it; the mark goes once .NET has. The engine's own configuration
/// comes from the environment the daemon was given (CONTAINERS_CONF, DOCKER_HOST and the like), which the child inherits.
/// </summary>
/// <remarks>The short commands (create, start, inspect, kill, rm) take turns: at most two per core run at once, the
/// rest wait for one to end. Run all at once they contend for the engine's locks and the cores: with 30 busybox pods
/// on 2 cores each podman command took 1-12 s instead of 0.2-1 s; sup run took 35-41 s to have them Running and 28-31 s
/// to stop them, with 2 or 4 turns 34 s and 23 s (8 turns: 38 s and 26 s). The commands that last as long as what they
/// follow (an attach, a wait, a pull) take no turn.</remarks>
/// <param name="turns">how many short commands may run at once; 0: two per core</param>
public sealed class EngineCommand(string executable, int turns = 0)
{
    private readonly SemaphoreSlim _turns = new(turns > 0 ? turns : Math.Max(2, 2 * Environment.ProcessorCount));

    public string Executable => executable;

    /// <summary>Runs a short command to its end, when its turn comes, and captures what it printed.</summary>
    public async Task<EngineResult> RunAsync(IEnumerable<string> arguments, CancellationToken cancellationToken = default)
    {
        await _turns.WaitAsync(cancellationToken).ConfigureAwait(false);
        try { return await RunLongAsync(arguments, cancellationToken).ConfigureAwait(false); }
        finally { _turns.Release(); }
    }

    /// <summary>Runs a command that lasts as long as what it waits for (<c>wait</c>, <c>pull</c>) to its end, taking
    /// no turn from the short ones, and captures what it printed.</summary>
    public async Task<EngineResult> RunLongAsync(IEnumerable<string> arguments, CancellationToken cancellationToken = default)
    {
        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        var exitCode = await RunAsync(arguments, PipeTarget.ToStringBuilder(stdout), PipeTarget.ToStringBuilder(stderr), cancellationToken)
            .ConfigureAwait(false);
        return new EngineResult(exitCode, stdout.ToString(), stderr.ToString());
    }

    /// <summary>Runs the command to its end with its output going to <paramref name="stdout"/> and
    /// <paramref name="stderr"/> (a container's attached output), taking no turn.</summary>
    /// <returns>its exit code</returns>
    /// <exception cref="EngineException">the engine's executable could not be started at all</exception>
    public async Task<int> RunAsync(IEnumerable<string> arguments, PipeTarget stdout, PipeTarget stderr, CancellationToken cancellationToken = default)
    {
        var command = Cli.Wrap(executable)
            .WithArguments(arguments)
            .WithValidation(CommandResultValidation.None)
            .WithStandardOutputPipe(stdout)
            .WithStandardErrorPipe(stderr);
        CommandTask<CommandResult> task;
        ChildReaper.DotnetChild mark;
        try
        {
            mark = ChildReaper.Shared.StartDotnetChild(() => command.ExecuteAsync(cancellationToken), t => t.ProcessId, out task);
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            throw new EngineException($"cannot run {executable}: {e.Message}", e);
        }
        using (mark)
        {
            var result = await task.ConfigureAwait(false);
            return result.ExitCode;
        }
    }
}

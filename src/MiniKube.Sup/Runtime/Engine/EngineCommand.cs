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
public sealed class EngineCommand(string executable)
{
    public string Executable => executable;

    /// <summary>Runs the command to its end and captures what it printed.</summary>
    public async Task<EngineResult> RunAsync(IEnumerable<string> arguments, CancellationToken cancellationToken = default)
    {
        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        var exitCode = await RunAsync(arguments, PipeTarget.ToStringBuilder(stdout), PipeTarget.ToStringBuilder(stderr), cancellationToken)
            .ConfigureAwait(false);
        return new EngineResult(exitCode, stdout.ToString(), stderr.ToString());
    }

    /// <summary>Runs the command to its end with its output going to <paramref name="stdout"/> and
    /// <paramref name="stderr"/> (a container's attached output).</summary>
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

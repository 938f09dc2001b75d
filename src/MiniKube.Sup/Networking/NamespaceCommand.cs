using CliWrap;
using CliWrap.Buffered;
using MiniKube.Sup.Processes;

namespace MiniKube.Sup.Networking;

/// <summary>Runs a command inside a network namespace we hold (nsenter --net=), through CliWrap, as a child the
/// daemon's reaper leaves to .NET.</summary>
internal static class NamespaceCommand
{
    private const string Nsenter = "nsenter";

    /// <exception cref="IOException">the command could not be run, or failed (its error output says why)</exception>
    public static async Task RunAsync(NetworkNamespace ns, IReadOnlyList<string> command, string input, CancellationToken cancellationToken)
    {
        var cli = Cli.Wrap(Nsenter)
            .WithArguments(["--net=" + ns.Path, "--", .. command])
            .WithStandardInputPipe(PipeSource.FromString(input))
            .WithValidation(CommandResultValidation.None);
        BufferedCommandResult result;
        try
        {
            using var mark = ChildReaper.Shared.StartDotnetChild(() => cli.ExecuteBufferedAsync(cancellationToken), t => t.ProcessId, out var run);
            result = await run.ConfigureAwait(false);
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            throw new IOException($"cannot run {Nsenter}: {e.Message}", e);
        }
        if (result.ExitCode != 0)
            throw new IOException($"{string.Join(' ', command)} in {ns.Description} exited with {result.ExitCode}: {result.StandardError.Trim()}");
    }
}

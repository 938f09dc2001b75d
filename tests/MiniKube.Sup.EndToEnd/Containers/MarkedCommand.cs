using CliWrap;
using CliWrap.Buffered;
using MiniKube.Sup.Processes;

namespace MiniKube.Sup.EndToEnd.Containers;

/// <summary>Runs a program to its end through CliWrap, its child marked as .NET's
/// (<see cref="ChildReaper.StartDotnetChild{T}"/>): the in-process tests make this process a subreaper with the
/// daemon's reaper, which must never reap a child .NET waits for (.NET then ends the test host).</summary>
internal static class MarkedCommand
{
    public static async Task<BufferedCommandResult> RunAsync(string program, IEnumerable<string> arguments, TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        // CliWrap.Cli in full: MiniKube.Sup.Cli is a namespace here.
        var command = CliWrap.Cli.Wrap(program).WithArguments(arguments).WithValidation(CommandResultValidation.None);
        using (ChildReaper.Shared.StartDotnetChild(() => command.ExecuteBufferedAsync(cancel.Token), t => t.ProcessId, out var run))
            return await run;
    }
}

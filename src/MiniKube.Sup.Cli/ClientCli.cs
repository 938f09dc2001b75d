using MiniKube.Sup.Client.Commands;
using MiniKube.Sup.Client.Terminal;

namespace MiniKube.Sup.Cli;

/// <summary>The `sup` command line. Client commands run here; the commands that need the engine run in
/// `sup-daemon`, which this process becomes (execv: same pid, same signals, same exit code).</summary>
public static class ClientCli
{
    public static async Task<int> RunAsync(string[] args)
    {
        ConsoleStreams.Install();
        if (CommandOf(args) is { } name && SupCommands.IsEngine(name)) return EngineExec.Replace(args);
        return await CommandLine.InvokeAsync(CommandLine.Root(SupCommands.Build(engine => engine.StandIn())), args).ConfigureAwait(false);
    }

    /// <summary>The subcommand: the first argument that is neither an option nor --state-dir's value.</summary>
    private static string? CommandOf(string[] args)
    {
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == "--state-dir") { i++; continue; }
            if (args[i].StartsWith('-')) continue;
            return args[i];
        }
        return null;
    }
}

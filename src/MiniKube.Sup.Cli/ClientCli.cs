using System.CommandLine;
using MiniKube.Sup.Cli.Commands;

namespace MiniKube.Sup.Cli;

/// <summary>The `sup` command line. Client commands run here; the commands that need the engine run in
/// `sup-daemon`, which this process becomes (execv: same pid, same signals, same exit code).</summary>
public static class ClientCli
{
    private static readonly string[] EngineCommands = ["run", "validate", "apply", "describe"];

    public static async Task<int> RunAsync(string[] args)
    {
        if (CommandOf(args) is { } name && EngineCommands.Contains(name)) return EngineExec.Replace(args);

        return await CommandLine.InvokeAsync(CommandLine.Root(
            new Command("run", "Run the supervisor daemon in the foreground (sup run --help)"),
            GetCommand.Create(),
            new Command("describe", "Show details of an object (sup describe --help)"),
            LogsCommand.Create(),
            new Command("apply", "Apply manifests to the running daemon (sup apply --help)"),
            DeleteCommand.Create(),
            CreateCommand.Create(),
            ScaleCommand.Create(),
            RolloutCommand.Create(),
            WaitCommand.Create(),
            EventsCommand.Create(),
            PsCommand.CreatePs(),
            PsCommand.CreateTop(),
            new Command("validate", "Check manifests without running anything (sup validate --help)"),
            VersionCommand.Create()), args).ConfigureAwait(false);
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

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

        var root = new RootCommand("sup: a lightweight single-host process supervisor that runs Kubernetes manifests");
        root.Options.Add(CommonOptions.StateDir);
        root.Subcommands.Add(new Command("run", "Run the supervisor daemon in the foreground (sup run --help)"));
        root.Subcommands.Add(GetCommand.Create());
        root.Subcommands.Add(new Command("describe", "Show details of an object (sup describe --help)"));
        root.Subcommands.Add(LogsCommand.Create());
        root.Subcommands.Add(new Command("apply", "Apply manifests to the running daemon (sup apply --help)"));
        root.Subcommands.Add(DeleteCommand.Create());
        root.Subcommands.Add(WaitCommand.Create());
        root.Subcommands.Add(EventsCommand.Create());
        root.Subcommands.Add(PsCommand.CreatePs());
        root.Subcommands.Add(PsCommand.CreateTop());
        root.Subcommands.Add(new Command("validate", "Check manifests without running anything (sup validate --help)"));
        root.Subcommands.Add(VersionCommand.Create());

        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var error in parse.Errors) Console.Error.WriteLine($"sup: {error.Message}");
            Console.Error.WriteLine("Run 'sup --help' for usage.");
            return ExitCodes.BadInput;
        }
        return await parse.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null }).ConfigureAwait(false);
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

using System.CommandLine;
using MiniKube.Sup.Cli.Commands;

namespace MiniKube.Sup.Cli;

/// <summary>The `sup` command line: one executable for the daemon (`sup run`) and its client commands.</summary>
public static class SupCli
{
    public static async Task<int> RunAsync(string[] args)
    {
        var root = new RootCommand("sup: a lightweight single-host process supervisor that runs Kubernetes manifests");
        root.Options.Add(CommonOptions.StateDir);
        root.Subcommands.Add(RunCommand.Create());
        root.Subcommands.Add(GetCommand.Create());
        root.Subcommands.Add(DescribeCommand.Create());
        root.Subcommands.Add(LogsCommand.Create());
        root.Subcommands.Add(ApplyCommand.Create());
        root.Subcommands.Add(DeleteCommand.Create());
        root.Subcommands.Add(WaitCommand.Create());
        root.Subcommands.Add(EventsCommand.Create());
        root.Subcommands.Add(PsCommand.CreatePs());
        root.Subcommands.Add(PsCommand.CreateTop());
        root.Subcommands.Add(ValidateCommand.Create());
        root.Subcommands.Add(VersionCommand.Create());

        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var error in parse.Errors) Console.Error.WriteLine($"sup: {error.Message}");
            Console.Error.WriteLine("Run 'sup --help' for usage.");
            return ExitCodes.BadInput;
        }
        // No termination timeout: `sup run` stops through the Generic Host (pods get their whole grace period),
        // and client commands end their streams on Ctrl+C themselves.
        return await parse.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null }).ConfigureAwait(false);
    }
}

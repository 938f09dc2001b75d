using System.CommandLine;

namespace MiniKube.Sup.Client.Commands;

/// <summary>What `sup` and `sup-daemon` share: the root command and how it is parsed and run.</summary>
public static class CommandLine
{
    public static RootCommand Root(params Command[] commands)
    {
        var root = new RootCommand("sup: a lightweight single-host process supervisor that runs Kubernetes manifests");
        root.Options.Add(CommonOptions.StateDir);
        root.Options.Add(CommonOptions.Namespace);
        root.Options.Add(CommonOptions.AllNamespaces);
        foreach (var command in commands) root.Subcommands.Add(command);
        return root;
    }

    /// <summary>Bad arguments are one line each and exit 2; otherwise the command runs.</summary>
    public static async Task<int> InvokeAsync(RootCommand root, string[] args)
    {
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var error in parse.Errors) Console.Error.WriteLine(ClientCommand.Error($"sup: {error.Message}"));
            Console.Error.WriteLine("Run 'sup --help' for usage.");
            return ExitCodes.BadInput;
        }
        // No termination timeout: `sup run` stops through the Generic Host (pods get their whole grace period),
        // and client commands end their streams on Ctrl+C themselves.
        return await parse.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null }).ConfigureAwait(false);
    }
}

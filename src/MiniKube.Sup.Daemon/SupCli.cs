using MiniKube.Sup.Cli.Commands;

namespace MiniKube.Sup.Cli;

/// <summary>The command line of `sup-daemon`: every command, the engine ones (`run`, `validate`, `apply`,
/// `describe`) included. `sup` runs the client commands itself and becomes this for the others.</summary>
public static class SupCli
{
    public static Task<int> RunAsync(string[] args) => CommandLine.InvokeAsync(CommandLine.Root(
        RunCommand.Create(),
        GetCommand.Create(),
        DescribeCommand.Create(),
        LogsCommand.Create(),
        ApplyCommand.Create(),
        DeleteCommand.Create(),
        CreateCommand.Create(),
        ScaleCommand.Create(),
        RolloutCommand.Create(),
        WaitCommand.Create(),
        EventsCommand.Create(),
        PsCommand.CreatePs(),
        PsCommand.CreateTop(),
        ValidateCommand.Create(),
        VersionCommand.Create()), args);
}

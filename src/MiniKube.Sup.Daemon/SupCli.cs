using System.CommandLine;
using MiniKube.Sup.Client.Commands;
using MiniKube.Sup.Client.Terminal;
using MiniKube.Sup.Daemon.Commands;

namespace MiniKube.Sup.Daemon;

/// <summary>The command line of `sup-daemon`: every command of <see cref="SupCommands"/>, the engine's made here.
/// `sup` runs the client commands itself and becomes this for the others.</summary>
public static class SupCli
{
    public static Task<int> RunAsync(string[] args)
    {
        ConsoleStreams.Install();
        return CommandLine.InvokeAsync(CommandLine.Root(SupCommands.Build(Create)), args);
    }

    private static Command Create(EngineCommand command) =>
        command == SupCommands.Run ? RunCommand.Create()
        : command == SupCommands.Describe ? DescribeCommand.Create()
        : command == SupCommands.Apply ? ApplyCommand.Create()
        : command == SupCommands.Validate ? ValidateCommand.Create()
        : throw new InvalidOperationException($"sup-daemon cannot make the engine command '{command.Name}'");
}

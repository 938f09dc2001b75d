using System.CommandLine;
using System.Reflection;

namespace MiniKube.Sup.Client.Commands;

internal static class VersionCommand
{
    public static string Version =>
        typeof(VersionCommand).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";

    public static Command Create()
    {
        var command = new Command("version", "Print the version of sup");
        command.SetAction(_ => Console.WriteLine($"sup {Version}"));
        return command;
    }
}

using System.CommandLine;
using MiniKube.Sup.Client.Commands;
using MiniKube.Sup.Spec;

namespace MiniKube.Sup.Daemon.Commands;

/// <summary>sup validate -f FILE...: every error with file, line, column, object and field; exit 2 if any.</summary>
internal static class ValidateCommand
{
    public static Command Create()
    {
        var files = CommonOptions.Files("Manifest files to check", required: true);
        var command = SupCommands.Validate.Create();
        command.Options.Add(files);
        command.SetAction(parse =>
        {
            var result = ManifestLoader.LoadFiles(parse.GetValue(files)!);
            if (ManifestReport.PrintErrors(result)) return ExitCodes.BadInput;
            ManifestReport.PrintWarnings(result);
            Console.WriteLine($"{result.Objects.Count} object(s) valid: {string.Join(", ", result.Objects.Select(o => o.Ref))}");
            return ExitCodes.Success;
        });
        return command;
    }
}

using System.CommandLine;
using MiniKube.Sup.Client.Commands;
using MiniKube.Sup.Spec;

namespace MiniKube.Sup.Daemon.Commands;

/// <summary>sup validate -f FILE...: every error with file, line, column, object and field; exit 2 if any. With
/// --for-cluster, also what a real cluster would refuse or run differently, each with its portable equivalent; exit
/// 1 if any.</summary>
internal static class ValidateCommand
{
    public static Command Create()
    {
        var files = CommonOptions.Files("Manifest files to check (a directory: its .yaml, .yml and .json files; - : standard input)", required: true);
        var recursive = CommonOptions.Recursive();
        var command = SupCommands.Validate.Create();
        command.Options.Add(files);
        command.Options.Add(recursive);
        var forCluster = new Option<bool>("--for-cluster")
        {
            Description = "Also list what a real Kubernetes cluster would refuse or run differently (exit 1 if anything)",
        };
        command.Options.Add(forCluster);
        command.SetAction(parse =>
        {
            var result = ManifestLoader.LoadFiles(parse.GetValue(files)!, new ManifestLoadOptions { Recursive = parse.GetValue(recursive), Stdin = Console.In });
            if (ManifestReport.PrintErrors(result)) return ExitCodes.BadInput;
            ManifestReport.PrintWarnings(result);
            Console.WriteLine($"{result.Objects.Count} object(s) valid: {string.Join(", ", result.Objects.Select(o => o.Ref))}");
            if (!parse.GetValue(forCluster)) return ExitCodes.Success;
            foreach (var note in result.ClusterNotes) Console.WriteLine(note);
            Console.WriteLine(result.ClusterNotes.Count == 0
                ? "a Kubernetes cluster would run these as they are"
                : $"{result.ClusterNotes.Count} thing(s) a Kubernetes cluster would refuse or run differently");
            return result.ClusterNotes.Count == 0 ? ExitCodes.Success : 1;
        });
        return command;
    }
}

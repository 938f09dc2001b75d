using System.CommandLine;
using System.Net;
using MiniKube.Sup.Api;
using MiniKube.Sup.Client;
using MiniKube.Sup.Client.Arguments;
using MiniKube.Sup.Client.Commands;
using MiniKube.Sup.Spec;
using k8s;

namespace MiniKube.Sup.Daemon.Commands;

/// <summary>sup apply -f FILE|DIR|- [-R]...: validated here first (a file with errors changes nothing, exit 2), then each
/// object is created or replaced in the daemon; only what changed is touched.</summary>
internal static class ApplyCommand
{
    public static Command Create()
    {
        var files = CommonOptions.Files("Manifest files to apply (a directory: its .yaml, .yml and .json files; - : standard input)", required: true);
        var recursive = CommonOptions.Recursive();
        var command = SupCommands.Apply.Create();
        command.Options.Add(files);
        command.Options.Add(recursive);
        command.SetAction((parse, _) => ClientCommand.RunAsync(parse, async client =>
        {
            var loaded = ManifestLoader.LoadFiles(parse.GetValue(files)!, new ManifestLoadOptions { Recursive = parse.GetValue(recursive), Stdin = Console.In });
            if (ManifestReport.PrintErrors(loaded, "nothing was applied")) return ExitCodes.BadInput;
            ManifestReport.PrintWarnings(loaded);
            foreach (var o in loaded.Objects)
            {
                var kind = Kinds.ByKind(o.Kind)!;
                var json = KubernetesJson.Serialize(o.Model);
                // The object's own namespace wins over -n (kubectl refuses a conflict; a manifest here says where it goes).
                var ns = kind.Namespaced ? o.Model.Metadata.NamespaceProperty ?? client.Namespace : null;
                var (status, body, headers) = await client.SendAsync(HttpMethod.Put, client.Path(kind, o.Name, ns: ns), json).ConfigureAwait(false);
                if (status == HttpStatusCode.NotFound)
                    (status, body, headers) = await client.SendAsync(HttpMethod.Post, client.Path(kind, ns: ns ?? client.Namespace), json).ConfigureAwait(false);
                if ((int)status >= 300) throw ApiException.From(status, body);
                var outcome = headers.TryGetValues("X-Sup-Apply", out var v) ? v.First() : status == HttpStatusCode.Created ? "created" : "configured";
                Console.Out.WriteLine($"{kind.Singular}/{o.Name} {outcome}");
            }
            return 0;
        }));
        return command;
    }
}

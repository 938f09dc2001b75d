using System.CommandLine;
using System.Net;
using MiniKube.Sup.Cli.Client;

namespace MiniKube.Sup.Cli.Commands;

/// <summary>sup delete KIND/NAME... [--grace-period N] [--wait=false]: as kubectl, waits until the objects are gone.</summary>
internal static class DeleteCommand
{
    public static Command Create()
    {
        var what = new Argument<string[]>("what") { Description = "KIND/NAME or KIND NAME...", Arity = ArgumentArity.OneOrMore };
        var grace = new Option<long?>("--grace-period") { Description = "Seconds given to each pod to terminate (default: its terminationGracePeriodSeconds)" };
        var wait = new Option<bool>("--wait") { Description = "Wait until the objects are gone", DefaultValueFactory = _ => true };
        var command = new Command("delete", "Delete objects from the running daemon") { what, grace, wait };
        command.SetAction((parse, _) => ClientCommand.RunAsync(parse, async client =>
        {
            var (kind, names, error) = KindArgument.Parse(parse.GetValue(what)!);
            if (kind is null) throw ClientCommand.Usage(error!);
            if (names.Count == 0) throw ClientCommand.Usage("delete needs the names of the objects to delete");
            var query = parse.GetValue(grace) is { } g ? $"gracePeriodSeconds={g}" : null;
            var code = 0;
            foreach (var name in names)
            {
                var (status, body, _) = await client.SendAsync(HttpMethod.Delete, KindArgument.Path(kind, name, query)).ConfigureAwait(false);
                if (status != HttpStatusCode.OK)
                {
                    Console.Error.WriteLine(ClientCommand.Error($"Error from server {ApiException.MessageOf(body)}"));
                    code = 1;
                    continue;
                }
                Console.Out.WriteLine($"{kind.Singular} \"{name}\" deleted");
            }
            if (!parse.GetValue(wait)) return code;
            foreach (var name in names)
                while ((await client.SendAsync(HttpMethod.Get, KindArgument.Path(kind, name)).ConfigureAwait(false)).Status == HttpStatusCode.OK)
                    await Task.Delay(50).ConfigureAwait(false);
            return code;
        }));
        return command;
    }
}

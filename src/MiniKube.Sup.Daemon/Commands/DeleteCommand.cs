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
            var deleted = new List<(string Name, string? Uid)>();
            foreach (var name in names)
            {
                var (status, body, _) = await client.SendAsync(HttpMethod.Delete, KindArgument.Path(kind, name, query)).ConfigureAwait(false);
                if (status != HttpStatusCode.OK)
                {
                    Console.Error.WriteLine($"Error from server {ApiException.MessageOf(body)}");
                    code = 1;
                    continue;
                }
                deleted.Add((name, UidOf(body)));
                Console.Out.WriteLine($"{kind.Singular} \"{name}\" deleted");
            }
            if (!parse.GetValue(wait)) return code;
            // As kubectl: wait for the object that was deleted (by uid) to be gone; a controller may make another of
            // the same name meanwhile (a StatefulSet's ordinal), and that one is not waited for.
            foreach (var (name, uid) in deleted)
            {
                while (true)
                {
                    var (status, body, _) = await client.SendAsync(HttpMethod.Get, KindArgument.Path(kind, name)).ConfigureAwait(false);
                    if (status != HttpStatusCode.OK || uid is null || UidOf(body) != uid) break;
                    await Task.Delay(50).ConfigureAwait(false);
                }
            }
            return code;
        }));
        return command;
    }

    private static string? UidOf(string json)
    {
        try
        {
            using var doc = System.Text.Json.JsonDocument.Parse(json);
            return doc.RootElement.TryGetProperty("metadata", out var meta) && meta.TryGetProperty("uid", out var uid) ? uid.GetString() : null;
        }
        catch (System.Text.Json.JsonException) { return null; }
    }
}

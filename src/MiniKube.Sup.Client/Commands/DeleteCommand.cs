using System.CommandLine;
using System.Net;
using System.Text.Json;
using MiniKube.Sup.Client.Arguments;
using MiniKube.Sup.Spec;

namespace MiniKube.Sup.Client.Commands;

/// <summary>sup delete KIND/NAME... [--grace-period N] [--wait=false] [--timeout D]: as kubectl, waits until the
/// objects it deleted are gone (following the API's watch of each: <see cref="ObjectWaiter"/>) — never for one whose
/// deletion was refused, and never forever.</summary>
internal static class DeleteCommand
{
    /// <summary>Past a pod's grace period (after which it is killed), how long its stop may still take.</summary>
    private static readonly TimeSpan Slack = TimeSpan.FromMinutes(1);

    public static Command Create()
    {
        var what = new Argument<string[]>("what") { Description = "KIND/NAME or KIND NAME...", Arity = ArgumentArity.ZeroOrMore };
        var files = CommonOptions.Files("Delete the objects these manifests describe (a directory: its .yaml, .yml and .json files; - : standard input)", required: false);
        var recursive = CommonOptions.Recursive();
        var grace = new Option<long?>("--grace-period") { Description = "Seconds given to each pod to terminate (default: its terminationGracePeriodSeconds)" };
        var wait = new Option<bool>("--wait") { Description = "Wait until the objects are gone", DefaultValueFactory = _ => true };
        var timeout = new Option<string>("--timeout")
        {
            Description = "How long to wait for the objects to be gone (e.g. 30s, 2m); 0 (the default): each one's grace period plus a minute",
            DefaultValueFactory = _ => "0s",
        };
        var command = new Command("delete", "Delete objects from the running daemon") { what, files, recursive, grace, wait, timeout };
        command.SetAction((parse, _) => ClientCommand.RunAsync(parse, async client =>
        {
            var targets = Targets(parse.GetValue(what)!, parse.GetValue(files), parse.GetValue(recursive), client.Namespace, out var invalid);
            if (invalid) return ExitCodes.BadInput;
            var limit = DurationArgument.Parse(parse.GetValue(timeout)!) ?? throw ClientCommand.Usage(DurationArgument.Unreadable("--timeout", parse.GetValue(timeout)!));
            var query = parse.GetValue(grace) is { } g ? $"gracePeriodSeconds={g}" : null;
            var code = 0;
            var deleted = new List<(KindInfo Kind, string Name, string? Namespace, string? Uid, TimeSpan Limit)>();
            foreach (var (kind, name, ns) in targets)
            {
                var (status, body, _) = await client.SendAsync(HttpMethod.Delete, client.Path(kind, name, query, ns)).ConfigureAwait(false);
                if (status != HttpStatusCode.OK)
                {
                    Console.Error.WriteLine(ClientCommand.Error(ApiException.From(status, body).Message));
                    code = 1;
                    continue;
                }
                Console.Out.WriteLine($"{kind.Singular} \"{name}\" deleted");
                deleted.Add((kind, name, ns, UidOf(body), limit > TimeSpan.Zero ? limit : GraceOf(body, parse.GetValue(grace)) + Slack));
            }
            if (!parse.GetValue(wait)) return code;
            // As kubectl: wait for the object that was deleted (by uid) to be gone; a controller may make another of
            // the same name meanwhile (a StatefulSet's ordinal), and that one is not waited for.
            var waiter = new ObjectWaiter(client, TimeProvider.System);
            foreach (var (kind, name, ns, uid, wanted) in deleted)
            {
                var (gone, _) = await waiter.UntilAsync(kind, name, json => json is null || uid is null || UidOf(json) != uid, wanted, ns: ns).ConfigureAwait(false);
                if (gone) continue;
                Console.Error.WriteLine($"error: timed out waiting for the deletion of {kind.Plural}/{name} ({wanted.TotalSeconds:0}s); " +
                    $"it may still be terminating: `sup describe {kind.Singular}/{name}` shows why");
                code = 1;
            }
            return code;
        }));
        return command;
    }

    /// <summary>What to delete: KIND/NAME arguments, or the objects of -f's manifests (each in its own namespace, else
    /// -n's), not both. Manifests that cannot be read delete nothing (the problems are printed; <paramref name="invalid"/>).</summary>
    private static List<(KindInfo Kind, string Name, string? Namespace)> Targets(string[] what, string[]? files, bool recursive, string ns, out bool invalid)
    {
        invalid = false;
        if (files is { Length: > 0 })
        {
            if (what.Length > 0) throw ClientCommand.Usage("delete takes KIND/NAME arguments or -f FILE, not both");
            var (objects, problems) = ManifestRefs.Read(files, recursive, Console.In);
            if (problems.Count > 0)
            {
                foreach (var problem in problems) Console.Error.WriteLine(Printing.ControlCharacters.Escape(problem));
                Console.Error.WriteLine($"{problems.Count} error(s); nothing was deleted");
                invalid = true;
                return [];
            }
            return objects.Select(o => (o.Kind, o.Name, o.Kind.Namespaced ? o.Namespace ?? ns : null)).ToList();
        }
        var (kind, names, error) = KindArgument.Parse(what);
        if (kind is null) throw ClientCommand.Usage(error ?? "delete needs KIND/NAME or -f FILE");
        if (names.Count == 0) throw ClientCommand.Usage("delete needs the names of the objects to delete");
        return names.Select(n => (kind, n, (string?)null)).ToList();
    }

    private static string? UidOf(string json)
    {
        try
        {
            using var doc = JsonDocument.Parse(json);
            return doc.RootElement.TryGetProperty("metadata", out var meta) && meta.TryGetProperty("uid", out var uid) ? uid.GetString() : null;
        }
        catch (JsonException) { return null; }
    }

    /// <summary>The grace period the deleted object was given: --grace-period, else what the answer (the pod being
    /// deleted) says, else none (objects other than pods go at once).</summary>
    private static TimeSpan GraceOf(string answer, long? requested)
    {
        if (requested is { } seconds) return TimeSpan.FromSeconds(Math.Clamp(seconds, 0, int.MaxValue));
        try
        {
            using var doc = JsonDocument.Parse(answer);
            var root = doc.RootElement;
            if (root.TryGetProperty("metadata", out var metadata) && metadata.TryGetProperty("deletionGracePeriodSeconds", out var d) && d.TryGetInt64(out var given))
                return TimeSpan.FromSeconds(Math.Clamp(given, 0, int.MaxValue));
            if (root.TryGetProperty("spec", out var spec) && spec.TryGetProperty("terminationGracePeriodSeconds", out var t) && t.TryGetInt64(out var configured))
                return TimeSpan.FromSeconds(Math.Clamp(configured, 0, int.MaxValue));
        }
        catch (JsonException) { }
        return TimeSpan.Zero;
    }
}

using MiniKube.Sup.Spec;
using System.CommandLine;
using System.Text.Json;
using MiniKube.Sup.Api;
using MiniKube.Sup.Client.Arguments;

namespace MiniKube.Sup.Client.Commands;

/// <summary>sup wait --for=condition=Ready|Complete|... KIND/NAME [--timeout 30s] (also --for=delete): for
/// scripts and CI. Exit 0 once met, 1 on timeout. It follows the API's watch of each object (<see cref="ObjectWaiter"/>).</summary>
internal static class WaitCommand
{
    /// <summary>How long after the start an object that is not there may still appear (a controller making it)
    /// before waiting for its condition is an error.</summary>
    private static readonly TimeSpan NotFoundGrace = TimeSpan.FromSeconds(1);

    public static Command Create()
    {
        var what = new Argument<string[]>("what") { Description = "KIND/NAME", Arity = ArgumentArity.OneOrMore };
        var @for = new Option<string>("--for") { Description = "condition=NAME[=VALUE] or delete", Required = true };
        var timeout = new Option<string>("--timeout") { Description = "How long to wait (e.g. 30s, 2m; default 30s)", DefaultValueFactory = _ => "30s" };
        var command = new Command("wait", "Wait for a condition on objects") { what, @for, timeout };
        command.SetAction((parse, _) => ClientCommand.RunAsync(parse, async client =>
        {
            var (kind, names, error) = KindArgument.Parse(parse.GetValue(what)!);
            if (kind is null) throw ClientCommand.Usage(error!);
            if (names.Count == 0) throw ClientCommand.Usage("wait needs KIND/NAME");
            var limit = DurationArgument.Parse(parse.GetValue(timeout)!) ?? throw ClientCommand.Usage(DurationArgument.Unreadable("--timeout", parse.GetValue(timeout)!));
            var condition = parse.GetValue(@for)!;
            string? type = null, expected = "True";
            if (condition.StartsWith("condition=", StringComparison.Ordinal))
            {
                var parts = condition["condition=".Length..].Split('=', 2);
                type = parts[0];
                if (parts.Length == 2) expected = parts[1];
            }
            else if (condition != "delete") throw ClientCommand.Usage("--for must be condition=NAME[=VALUE] or delete");

            var time = TimeProvider.System;
            var waiter = new ObjectWaiter(client, time);
            var start = time.GetTimestamp();
            TimeSpan Elapsed() => time.GetElapsedTime(start);
            foreach (var name in names)
            {
                var failure = type is null
                    ? await GoneAsync(waiter, kind, name, limit - Elapsed()).ConfigureAwait(false)
                    : await ConditionAsync(waiter, kind, name, type, expected, limit, Elapsed).ConfigureAwait(false);
                if (failure is not null)
                {
                    Console.Error.WriteLine(ClientCommand.Error(failure));
                    return 1;
                }
                Console.Out.WriteLine($"{kind.Singular}/{name} condition met");
            }
            return 0;
        }));
        return command;
    }

    /// <returns>null once the object is gone; else what went wrong.</returns>
    private static async Task<string?> GoneAsync(ObjectWaiter waiter, KindInfo kind, string name, TimeSpan left)
    {
        var (gone, _) = await waiter.UntilAsync(kind, name, json => json is null, left).ConfigureAwait(false);
        return gone ? null : TimedOut(kind, name);
    }

    /// <returns>null once the object has the condition; else what went wrong: the object is not there (past
    /// <see cref="NotFoundGrace"/>), or the limit passed.</returns>
    private static async Task<string?> ConditionAsync(ObjectWaiter waiter, KindInfo kind, string name, string type, string expected, TimeSpan limit, Func<TimeSpan> elapsed)
    {
        while (true)
        {
            var (met, json) = await waiter.UntilAsync(kind, name, j => j is null || HasCondition(j, type, expected), limit - elapsed()).ConfigureAwait(false);
            if (!met) return TimedOut(kind, name);
            if (json is not null) return null;
            var grace = NotFoundGrace - elapsed();
            if (grace <= TimeSpan.Zero) return NotFound(kind, name);
            var left = limit - elapsed();
            var (appeared, _) = await waiter.UntilAsync(kind, name, j => j is not null, grace < left ? grace : left).ConfigureAwait(false);
            if (!appeared) return left <= grace ? TimedOut(kind, name) : NotFound(kind, name);
        }
    }

    private static string TimedOut(KindInfo kind, string name) => $"error: timed out waiting for the condition on {kind.Plural}/{name}";

    private static string NotFound(KindInfo kind, string name) => $"Error from server (NotFound): {kind.Plural} \"{name}\" not found";

    private static bool HasCondition(string json, string type, string expected)
    {
        using var doc = JsonDocument.Parse(json);
        if (!doc.RootElement.TryGetProperty("status", out var status) || !status.TryGetProperty("conditions", out var conditions)) return false;
        return conditions.EnumerateArray().Any(c =>
            string.Equals(c.GetProperty("type").GetString(), type, StringComparison.OrdinalIgnoreCase)
            && string.Equals(c.GetProperty("status").GetString(), expected, StringComparison.OrdinalIgnoreCase));
    }
}

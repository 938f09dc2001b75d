using MiniKube.Sup.Spec;
using System.CommandLine;
using System.Text.Json;
using MiniKube.Sup.Api;
using MiniKube.Sup.Client.Arguments;

namespace MiniKube.Sup.Client.Commands;

/// <summary>sup wait --for=condition=Ready|Complete|... | --for=jsonpath='{...}'=VALUE | --for=delete (several --for:
/// all of them) KIND/NAME... | KIND -l SELECTOR | KIND --all [--timeout 30s], as kubectl wait: for scripts and CI.
/// Exit 0 once met, 1 on timeout, and 1 at once for a Job waited for Complete that Failed. A daemon still starting
/// (no socket yet) is waited for within the timeout. It follows the API's watch of each object (<see cref="ObjectWaiter"/>).</summary>
internal static class WaitCommand
{
    /// <summary>How long after the start an object that is not there may still appear (a controller making it)
    /// before waiting for its condition is an error.</summary>
    private static readonly TimeSpan NotFoundGrace = TimeSpan.FromSeconds(1);

    public static Command Create()
    {
        var what = new Argument<string[]>("what") { Description = "KIND/NAME..., or KIND with -l or --all", Arity = ArgumentArity.OneOrMore };
        var @for = new Option<string[]>("--for") { Description = "condition=NAME[=VALUE], jsonpath={.path}[=VALUE] or delete; repeat to wait for all of them", Required = true };
        var selector = new Option<string?>("--selector", "-l") { Description = "Wait for every object of the kind matching this label selector" };
        var all = new Option<bool>("--all") { Description = "Wait for every object of the kind" };
        var timeout = new Option<string>("--timeout") { Description = "How long to wait (e.g. 30s, 2m; default 30s)", DefaultValueFactory = _ => "30s" };
        var command = new Command("wait", "Wait for a condition on objects") { what, @for, selector, all, timeout };
        command.SetAction((parse, _) => ClientCommand.RunAsync(parse, async client =>
        {
            var (kind, names, error) = KindArgument.Parse(parse.GetValue(what)!);
            if (kind is null) throw ClientCommand.Usage(error!);
            var sel = parse.GetValue(selector);
            var everything = parse.GetValue(all);
            if (names.Count > 0 && (sel is not null || everything)) throw ClientCommand.Usage("name cannot be provided when a selector or --all is specified");
            if (names.Count == 0 && sel is null && !everything) throw ClientCommand.Usage("wait needs KIND/NAME, or KIND with -l SELECTOR or --all");
            var limit = DurationArgument.Parse(parse.GetValue(timeout)!) ?? throw ClientCommand.Usage(DurationArgument.Unreadable("--timeout", parse.GetValue(timeout)!));
            var conditions = new List<WaitCondition>();
            foreach (var text in parse.GetValue(@for)!)
            {
                var (condition, problem) = WaitCondition.Parse(text);
                conditions.Add(condition ?? throw ClientCommand.Usage(problem!));
            }
            if (conditions.Count > 1 && conditions.Any(c => c.IsDelete)) throw ClientCommand.Usage("--for=delete cannot be combined with another --for");

            var time = TimeProvider.System;
            var waiter = new ObjectWaiter(client, time);
            var start = time.GetTimestamp();
            TimeSpan Elapsed() => time.GetElapsedTime(start);
            if (await waiter.UntilReachableAsync(limit).ConfigureAwait(false) is { } unreachable) throw unreachable;
            if (names.Count == 0)
            {
                names = await NamesAsync(client, kind, sel).ConfigureAwait(false);
                if (names.Count == 0)
                {
                    Console.Error.WriteLine("error: no matching resources found");
                    return 1;
                }
            }
            foreach (var name in names)
            {
                var failure = conditions[0].IsDelete
                    ? await GoneAsync(waiter, kind, name, limit - Elapsed()).ConfigureAwait(false)
                    : await ConditionsAsync(waiter, kind, name, conditions, limit, Elapsed).ConfigureAwait(false);
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

    private static async Task<List<string>> NamesAsync(SupClient client, KindInfo kind, string? selector)
    {
        var list = await client.GetJsonAsync(kind, null, selector is null ? null : "labelSelector=" + Uri.EscapeDataString(selector)).ConfigureAwait(false);
        using var doc = JsonDocument.Parse(list);
        return [.. doc.RootElement.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("metadata").GetProperty("name").GetString()!)];
    }

    /// <returns>null once the object is gone; else what went wrong.</returns>
    private static async Task<string?> GoneAsync(ObjectWaiter waiter, KindInfo kind, string name, TimeSpan left)
    {
        var (gone, _) = await waiter.UntilAsync(kind, name, json => json is null, left).ConfigureAwait(false);
        return gone ? null : TimedOut(kind, name);
    }

    /// <returns>null once the object meets every condition; else what went wrong: the object is not there (past
    /// <see cref="NotFoundGrace"/>), a Job waited for Complete Failed, or the limit passed.</returns>
    private static async Task<string?> ConditionsAsync(ObjectWaiter waiter, KindInfo kind, string name, List<WaitCondition> conditions, TimeSpan limit, Func<TimeSpan> elapsed)
    {
        // A Job that Failed will never be Complete (k8s: both are terminal): say so now, not at the timeout.
        var failedJobEnds = kind == Kinds.Job && conditions.Any(c => string.Equals(c.ConditionType, "Complete", StringComparison.OrdinalIgnoreCase));
        bool Failed(JsonElement obj) => failedJobEnds && WaitCondition.HasCondition(obj, "Failed", "True");
        while (true)
        {
            var (met, json) = await waiter.UntilAsync(kind, name, j => j is null || Evaluate(j, o => Failed(o) || conditions.All(c => c.IsMetBy(o))), limit - elapsed()).ConfigureAwait(false);
            if (!met) return TimedOut(kind, name);
            if (json is not null) return Evaluate(json, Failed) && !Evaluate(json, o => conditions.All(c => c.IsMetBy(o))) ? $"error: {kind.Singular}/{name} failed: it will never be Complete" : null;
            var grace = NotFoundGrace - elapsed();
            if (grace <= TimeSpan.Zero) return NotFound(kind, name);
            var left = limit - elapsed();
            var (appeared, _) = await waiter.UntilAsync(kind, name, j => j is not null, grace < left ? grace : left).ConfigureAwait(false);
            if (!appeared) return left <= grace ? TimedOut(kind, name) : NotFound(kind, name);
        }
    }

    private static bool Evaluate(string json, Func<JsonElement, bool> test)
    {
        using var doc = JsonDocument.Parse(json);
        return test(doc.RootElement);
    }

    private static string TimedOut(KindInfo kind, string name) => $"error: timed out waiting for the condition on {kind.Plural}/{name}";

    private static string NotFound(KindInfo kind, string name) => $"Error from server (NotFound): {kind.Plural} \"{name}\" not found";
}

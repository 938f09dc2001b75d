using System.CommandLine;
using System.Diagnostics;
using System.Net;
using System.Text.Json;
using MiniKube.Sup.Client.Arguments;

namespace MiniKube.Sup.Client.Commands;

/// <summary>sup wait --for=condition=Ready|Complete|... KIND/NAME [--timeout 30s] (also --for=delete): for
/// scripts and CI. Exit 0 once met, 1 on timeout.</summary>
internal static class WaitCommand
{
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
            var limit = ParseDuration(parse.GetValue(timeout)!) ?? throw ClientCommand.Usage($"--timeout: cannot read \"{parse.GetValue(timeout)}\" (use e.g. 30s, 2m, 1h)");
            var condition = parse.GetValue(@for)!;
            string? type = null, expected = "True";
            if (condition.StartsWith("condition=", StringComparison.Ordinal))
            {
                var parts = condition["condition=".Length..].Split('=', 2);
                type = parts[0];
                if (parts.Length == 2) expected = parts[1];
            }
            else if (condition != "delete") throw ClientCommand.Usage("--for must be condition=NAME[=VALUE] or delete");

            var clock = Stopwatch.StartNew();
            foreach (var name in names)
            {
                while (true)
                {
                    var (status, body, _) = await client.SendAsync(HttpMethod.Get, KindArgument.Path(kind, name)).ConfigureAwait(false);
                    if (type is null ? status == HttpStatusCode.NotFound : status == HttpStatusCode.OK && HasCondition(body, type, expected))
                    {
                        Console.Out.WriteLine($"{kind.Singular}/{name} condition met");
                        break;
                    }
                    if (type is not null && status == HttpStatusCode.NotFound && clock.Elapsed > TimeSpan.FromSeconds(1))
                    {
                        Console.Error.WriteLine(ClientCommand.Error($"Error from server (NotFound): {kind.Plural} \"{name}\" not found"));
                        return 1;
                    }
                    if (clock.Elapsed > limit)
                    {
                        Console.Error.WriteLine(ClientCommand.Error($"error: timed out waiting for the condition on {kind.Plural}/{name}"));
                        return 1;
                    }
                    await Task.Delay(100).ConfigureAwait(false);
                }
            }
            return 0;
        }));
        return command;
    }

    private static bool HasCondition(string json, string type, string expected)
    {
        using var doc = JsonDocument.Parse(json);
        if (!doc.RootElement.TryGetProperty("status", out var status) || !status.TryGetProperty("conditions", out var conditions)) return false;
        return conditions.EnumerateArray().Any(c =>
            string.Equals(c.GetProperty("type").GetString(), type, StringComparison.OrdinalIgnoreCase)
            && string.Equals(c.GetProperty("status").GetString(), expected, StringComparison.OrdinalIgnoreCase));
    }

    public static TimeSpan? ParseDuration(string text)
    {
        if (text.Length < 2) return null;
        var unit = text[^1];
        if (!double.TryParse(char.IsDigit(unit) ? text : text[..^1], System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var n) || n < 0) return null;
        return unit switch
        {
            's' => TimeSpan.FromSeconds(n),
            'm' => TimeSpan.FromMinutes(n),
            'h' => TimeSpan.FromHours(n),
            _ when char.IsDigit(unit) => TimeSpan.FromSeconds(n),
            _ => null,
        };
    }
}

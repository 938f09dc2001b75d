using System.CommandLine;
using System.Net;
using System.Text.Json;
using MiniKube.Sup.Api;
using MiniKube.Sup.Spec;
using MiniKube.Sup.Client.Arguments;
using MiniKube.Sup.Client.Output;

namespace MiniKube.Sup.Client.Commands;

/// <summary>sup events [-w]: LAST SEEN, TYPE, REASON, OBJECT, MESSAGE, oldest first (as kubectl events).</summary>
internal static class EventsCommand
{
    public static Command Create()
    {
        var watch = new Option<bool>("--watch", "-w") { Description = "After listing, watch for new events" };
        var command = new Command("events", "List events") { watch };
        command.SetAction((parse, _) => ClientCommand.RunAsync(parse, async client =>
        {
            var path = client.Path(Kinds.Event);
            var (status, body, _) = await client.SendAsync(HttpMethod.Get, path, accept: SupClient.TableAccept).ConfigureAwait(false);
            if (status != HttpStatusCode.OK) throw ApiException.From(status, body);
            using var doc = JsonDocument.Parse(body);
            var (headers, columns) = TablePrinter.Columns(doc.RootElement, wide: false);
            if (client.AllNamespaces) headers = TablePrinter.WithNamespace(headers);
            var rows = TablePrinter.Rows(doc.RootElement, columns, withNamespace: client.AllNamespaces);
            var ordered = Oldest(doc.RootElement, rows, client.AllNamespaces ? 1 : 0);
            if (ordered.Count == 0 && !parse.GetValue(watch))
                Console.Error.WriteLine(client.AllNamespaces ? "No events found." : $"No events found in {client.Namespace} namespace.");
            else Console.Out.Write(TablePrinter.Format(headers, ordered));
            if (!parse.GetValue(watch)) return 0;
            var cancel = ClientCommand.CancelOnCtrlC();
            var rv = doc.RootElement.GetProperty("metadata").GetProperty("resourceVersion").GetString();
            await using var stream = await client.StreamAsync(path + $"?watch=true&resourceVersion={rv}", SupClient.TableAccept, cancel).ConfigureAwait(false);
            using var reader = new StreamReader(stream);
            while (await reader.ReadLineAsync(cancel).ConfigureAwait(false) is { } line)
            {
                if (line.Length == 0) continue;
                using var e = JsonDocument.Parse(line);
                if (e.RootElement.GetProperty("type").GetString() == "DELETED") continue;
                Console.Out.Write(TablePrinter.Format(headers, TablePrinter.Rows(e.RootElement.GetProperty("object"), columns, withNamespace: client.AllNamespaces), showHeaders: false));
            }
            return 0;
        }));
        return command;
    }

    /// <summary>Oldest first, as kubectl events: by how long ago (LAST SEEN, at column <paramref name="age"/>), then,
    /// within one second, in the order they were recorded (their resourceVersions).</summary>
    internal static List<List<string>> Oldest(JsonElement table, List<List<string>> rows, int age)
    {
        var versions = table.GetProperty("rows").EnumerateArray().Select(Version).ToList();
        return rows.Select((row, i) => (Row: row, Version: i < versions.Count ? versions[i] : long.MaxValue))
            .OrderByDescending(r => Seconds(r.Row[age]))
            .ThenBy(r => r.Version)
            .Select(r => r.Row)
            .ToList();
    }

    private static long Version(JsonElement row) =>
        row.TryGetProperty("object", out var o) && o.TryGetProperty("metadata", out var m) && m.TryGetProperty("resourceVersion", out var rv)
            && long.TryParse(rv.GetString(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var v) ? v : long.MaxValue;

    /// <summary>"5s", "2m3s", "4h", "3d" back to seconds, for ordering.</summary>
    private static double Seconds(string age)
    {
        double total = 0, n = 0;
        foreach (var ch in age)
        {
            if (char.IsDigit(ch)) { n = n * 10 + (ch - '0'); continue; }
            total += n * ch switch { 's' => 1, 'm' => 60, 'h' => 3600, 'd' => 86400, 'y' => 31536000, _ => 0 };
            n = 0;
        }
        return total;
    }
}

using System.CommandLine;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using MiniKube.Sup.Api;
using MiniKube.Sup.Spec;
using MiniKube.Sup.Client.Arguments;
using MiniKube.Sup.Client.Output;

namespace MiniKube.Sup.Client.Commands;

/// <summary>sup get KIND[/NAME] [NAME...] [-o wide|json|yaml|name] [-l SELECTOR] [-w]: kubectl's tables, from the
/// daemon's Table responses.</summary>
internal static class GetCommand
{
    private static readonly KindInfo[] AllKinds =
        [Kinds.Pod, Kinds.ReplicationController, Kinds.Service, Kinds.DaemonSet, Kinds.Deployment, Kinds.ReplicaSet, Kinds.StatefulSet, Kinds.Job, Kinds.CronJob];

    public static Command Create()
    {
        var what = new Argument<string[]>("what") { Description = "KIND, KIND/NAME, KIND NAME..., or all", Arity = ArgumentArity.OneOrMore };
        var output = Output();
        var selector = new Option<string?>("--selector", "-l") { Description = "Label selector (e.g. app=web,tier!=db)" };
        var watch = new Option<bool>("--watch", "-w") { Description = "After listing, watch for changes" };
        var command = new Command("get", "Display one or many objects") { what, output, selector, watch };
        command.SetAction((parse, cancel) => ClientCommand.RunAsync(parse, client =>
            RunAsync(client, parse.GetValue(what)!, parse.GetValue(output)!, parse.GetValue(selector), parse.GetValue(watch))));
        return command;
    }

    public static Option<string> Output() => new("--output", "-o")
    {
        Description = "Output format: wide, json, yaml, name, jsonpath=TEMPLATE or custom-columns=HEADER:PATH,...",
        DefaultValueFactory = _ => "",
        CustomParser = r =>
        {
            var v = r.Tokens.Single().Value;
            if (v is "" or "wide" or "json" or "yaml" or "name") return v;
            try
            {
                if (Template(v) is { } template) { JsonPathTemplate.Parse(template); return v; }
                if (v.StartsWith("custom-columns=", StringComparison.Ordinal)) { CustomColumns.Parse(v["custom-columns=".Length..]); return v; }
            }
            catch (FormatException e)
            {
                r.AddError($"--output: {e.Message}");
                return "";
            }
            r.AddError($"--output: unknown format \"{v}\"; allowed: wide, json, yaml, name, jsonpath=TEMPLATE, custom-columns=HEADER:PATH,...");
            return "";
        },
    };

    /// <summary>jsonpath=T (also jsonpath='T' as a shell left it) → T; null for other formats.</summary>
    private static string? Template(string output)
    {
        if (!output.StartsWith("jsonpath=", StringComparison.Ordinal)) return null;
        var t = output["jsonpath=".Length..];
        return t.Length >= 2 && t[0] is '\'' or '"' && t[^1] == t[0] ? t[1..^1] : t;
    }

    /// <summary>An object or a List in a format that works on the JSON: json, yaml, jsonpath, custom-columns.</summary>
    private static string Render(string output, string json)
    {
        if (output == "json") return Pretty(json) + "\n";
        if (output == "yaml") return YamlOutput.FromJson(json);
        using var doc = JsonDocument.Parse(json);
        if (Template(output) is { } template) return JsonPathTemplate.Parse(template).Execute(doc.RootElement);
        return CustomColumns.Format(CustomColumns.Parse(output["custom-columns=".Length..]), doc.RootElement);
    }

    private static async Task<int> RunAsync(SupClient client, string[] what, string output, string? selector, bool watch)
    {
        if (what.Length == 1 && what[0] == "all") return await ListKindsAsync(client, AllKinds, output, selector).ConfigureAwait(false);
        if (what.Length == 1 && what[0].Contains(',', StringComparison.Ordinal) && !what[0].Contains('/', StringComparison.Ordinal))
        {
            // kubectl get deploy,svc: several kinds, each table under its own header, names prefixed with the kind.
            var kinds = new List<KindInfo>();
            foreach (var name in what[0].Split(',', StringSplitOptions.RemoveEmptyEntries))
                kinds.Add((name == "all" ? null : Kinds.ByName(name)) ?? throw ClientCommand.Usage($"the server doesn't have a resource type \"{name}\""));
            return await ListKindsAsync(client, kinds, output, selector).ConfigureAwait(false);
        }
        var (kind, names, error) = KindArgument.Parse(what);
        if (kind is null) throw ClientCommand.Usage(error!);
        var query = selector is null ? null : "labelSelector=" + Uri.EscapeDataString(selector);

        if (output is "json" or "yaml" || Template(output) is not null || output.StartsWith("custom-columns=", StringComparison.Ordinal))
        {
            string json;
            if (names.Count == 1) json = await client.GetJsonAsync(kind, names[0]).ConfigureAwait(false);
            else
            {
                var items = new JsonArray();
                if (names.Count == 0)
                {
                    var list = JsonNode.Parse(await client.GetJsonAsync(kind, null, query).ConfigureAwait(false))!;
                    foreach (var item in list["items"]!.AsArray()) items.Add(item!.DeepClone());
                }
                else
                    foreach (var n in names) items.Add(JsonNode.Parse(await client.GetJsonAsync(kind, n).ConfigureAwait(false)));
                json = new JsonObject { ["apiVersion"] = "v1", ["kind"] = "List", ["metadata"] = new JsonObject { ["resourceVersion"] = "" }, ["items"] = items }.ToJsonString();
            }
            Console.Out.Write(Render(output, json));
            return 0;
        }

        var tables = new List<JsonElement>();
        var docs = new List<JsonDocument>();
        var spanning = client.AllNamespaces && kind.Namespaced && names.Count == 0 && output != "name";
        if (names.Count == 0)
        {
            // Only the NAMESPACE column of -A comes from the rows' objects: without it the daemon need not write them.
            var tableQuery = spanning ? query : (query is null ? "" : query + "&") + "includeObject=None";
            var (status, body, _) = await client.SendAsync(HttpMethod.Get, client.Path(kind, null, tableQuery), accept: SupClient.TableAccept).ConfigureAwait(false);
            if (status != HttpStatusCode.OK) throw ApiException.From(status, body);
            docs.Add(JsonDocument.Parse(body));
        }
        else
        {
            foreach (var n in names)
            {
                var (status, body, _) = await client.SendAsync(HttpMethod.Get, client.Path(kind, n), accept: SupClient.TableAccept).ConfigureAwait(false);
                if (status != HttpStatusCode.OK) throw ApiException.From(status, body);
                docs.Add(JsonDocument.Parse(body));
            }
        }
        var (headers, columns) = TablePrinter.Columns(docs[0].RootElement, output == "wide");
        if (spanning) headers = TablePrinter.WithNamespace(headers);
        var rows = docs.SelectMany(d => TablePrinter.Rows(d.RootElement, columns, withNamespace: spanning)).ToList();
        if (output == "name")
            foreach (var r in rows) Console.Out.WriteLine($"{kind.Singular}/{r[0]}");
        else if (rows.Count == 0 && !watch) Console.Error.WriteLine(client.NoResources(kind));
        else Console.Out.Write(TablePrinter.Format(headers, rows));

        if (!watch) return 0;
        var rv = docs[0].RootElement.GetProperty("metadata").GetProperty("resourceVersion").GetString();
        var fieldQuery = names.Count == 1 ? "&fieldSelector=" + Uri.EscapeDataString("metadata.name=" + names[0]) : "";
        var cancel = ClientCommand.CancelOnCtrlC();
        await using var stream = await client.StreamAsync(client.Path(kind, null, $"watch=true&resourceVersion={rv}{(query is null ? "" : "&" + query)}{fieldQuery}"),
            SupClient.TableAccept, cancel).ConfigureAwait(false);
        using var reader = new StreamReader(stream);
        var printedHeaders = rows.Count > 0;
        while (await reader.ReadLineAsync(cancel).ConfigureAwait(false) is { } line)
        {
            if (line.Length == 0) continue;
            using var e = JsonDocument.Parse(line);
            var table = e.RootElement.GetProperty("object");
            var watchRows = TablePrinter.Rows(table, columns, withNamespace: spanning);
            Console.Out.Write(TablePrinter.Format(headers, watchRows, showHeaders: !printedHeaders));
            printedHeaders = true;
        }
        return 0;
    }

    private static async Task<int> ListKindsAsync(SupClient client, IReadOnlyList<KindInfo> kinds, string output, string? selector)
    {
        var query = selector is null ? null : "labelSelector=" + Uri.EscapeDataString(selector);
        var first = true;
        foreach (var kind in kinds)
        {
            var (status, body, _) = await client.SendAsync(HttpMethod.Get, client.Path(kind, null, query), accept: SupClient.TableAccept).ConfigureAwait(false);
            if (status != HttpStatusCode.OK) throw ApiException.From(status, body);
            using var doc = JsonDocument.Parse(body);
            var (headers, columns) = TablePrinter.Columns(doc.RootElement, output == "wide");
            var spanning = client.AllNamespaces && kind.Namespaced && output != "name";
            if (spanning) headers = TablePrinter.WithNamespace(headers);
            var rows = TablePrinter.Rows(doc.RootElement, columns, kindPrefix: $"{kind.Singular}/", withNamespace: spanning);
            if (rows.Count == 0) continue;
            if (output == "name")
            {
                foreach (var r in rows) Console.Out.WriteLine(r[0]);
                first = false;
                continue;
            }
            if (!first) Console.Out.WriteLine();
            Console.Out.Write(TablePrinter.Format(headers, rows));
            first = false;
        }
        if (first) Console.Error.WriteLine(client.NoResources(Kinds.Pod));
        return 0;
    }

    public static string Pretty(string json)
    {
        using var doc = JsonDocument.Parse(json);
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
            doc.WriteTo(w);
        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }
}

using System.CommandLine;
using System.Net;
using System.Text.Json;
using MiniKube.Sup.Api;
using MiniKube.Sup.Cli.Client;

namespace MiniKube.Sup.Cli.Commands;

/// <summary>sup logs POD [-c C] [-f] [--previous] [--tail N] | sup logs -l SELECTOR (each line prefixed
/// [pod/NAME/CONTAINER]).</summary>
internal static class LogsCommand
{
    public static Command Create()
    {
        var pod = new Argument<string?>("pod") { Description = "POD or pod/POD", Arity = ArgumentArity.ZeroOrOne };
        var container = new Option<string?>("--container", "-c") { Description = "Container name (required when the pod has several)" };
        var follow = new Option<bool>("--follow", "-f") { Description = "Stream the log as it grows" };
        var previous = new Option<bool>("--previous", "-p") { Description = "The previous (terminated) instance of the container" };
        var tail = new Option<int?>("--tail") { Description = "Only the last N lines" };
        var selector = new Option<string?>("--selector", "-l") { Description = "Logs of every pod matching this label selector, prefixed" };
        var command = new Command("logs", "Print the logs of a container") { pod, container, follow, previous, tail, selector };
        command.SetAction((parse, _) => ClientCommand.RunAsync(parse, async client =>
        {
            var cancel = ClientCommand.CancelOnCtrlC();
            var name = parse.GetValue(pod);
            var sel = parse.GetValue(selector);
            if (name is null && sel is null) throw ClientCommand.Usage("logs needs a pod name or -l SELECTOR");
            if (name?.StartsWith("pod/", StringComparison.Ordinal) == true || name?.StartsWith("po/", StringComparison.Ordinal) == true) name = name[(name.IndexOf('/') + 1)..];
            var query = Query(parse.GetValue(follow), parse.GetValue(previous), parse.GetValue(tail));
            if (name is not null)
            {
                var c = parse.GetValue(container);
                await CopyAsync(client, name, c, query, prefix: null, cancel).ConfigureAwait(false);
                return 0;
            }
            var list = await GetCommand.GetJsonAsync(client, ResourceKinds.Pod, null, "labelSelector=" + Uri.EscapeDataString(sel!)).ConfigureAwait(false);
            using var doc = JsonDocument.Parse(list);
            var tasks = new List<Task>();
            foreach (var p in doc.RootElement.GetProperty("items").EnumerateArray())
            {
                var podName = p.GetProperty("metadata").GetProperty("name").GetString()!;
                foreach (var c in p.GetProperty("spec").GetProperty("containers").EnumerateArray())
                {
                    var cName = c.GetProperty("name").GetString()!;
                    if (parse.GetValue(container) is { } only && only != cName) continue;
                    tasks.Add(CopyAsync(client, podName, cName, query, $"[pod/{podName}/{cName}] ", cancel));
                }
            }
            if (tasks.Count == 0) Console.Error.WriteLine("No resources found in default namespace.");
            await Task.WhenAll(tasks).ConfigureAwait(false);
            return 0;
        }));
        return command;
    }

    private static string Query(bool follow, bool previous, int? tail) =>
        string.Join('&', new[] { follow ? "follow=true" : null, previous ? "previous=true" : null, tail is { } t ? $"tailLines={t}" : null }.Where(s => s is not null));

    private static async Task CopyAsync(SupClient client, string pod, string? container, string query, string? prefix, CancellationToken cancel)
    {
        var q = container is null ? query : $"container={Uri.EscapeDataString(container)}" + (query.Length > 0 ? "&" + query : "");
        var path = KindArgument.Path(ResourceKinds.Pod, pod) + "/log" + (q.Length > 0 ? "?" + q : "");
        await using var stream = await client.StreamAsync(path, null, cancel).ConfigureAwait(false);
        if (prefix is null)
        {
            await using var stdout = Console.OpenStandardOutput();
            var buffer = new byte[16 * 1024];
            int n;
            while ((n = await stream.ReadAsync(buffer, cancel).ConfigureAwait(false)) > 0)
            {
                await stdout.WriteAsync(buffer.AsMemory(0, n), cancel).ConfigureAwait(false);
                await stdout.FlushAsync(cancel).ConfigureAwait(false);
            }
            return;
        }
        using var reader = new StreamReader(stream);
        while (await reader.ReadLineAsync(cancel).ConfigureAwait(false) is { } line)
            lock (Console.Out) Console.Out.WriteLine(prefix + line);
    }
}

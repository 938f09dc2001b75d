using System.CommandLine;
using System.Net;
using System.Threading.Channels;
using MiniKube.Sup.Client.Output;
using MiniKube.Sup.Client.Terminal;
using MiniKube.Sup.Processes;

namespace MiniKube.Sup.Client.Commands;

/// <summary>sup ps [POD] [-o json] and sup top [POD]: each container's process tree (master and workers) with
/// CPU % and memory; top refreshes it until q or Ctrl+C: on a terminal as top(1) does (the alternate screen, a
/// summary line, keys to sort), elsewhere one plain block per refresh.</summary>
internal static class PsCommand
{
    public static Command CreatePs()
    {
        var pod = new Argument<string?>("pod") { Description = "Only this pod", Arity = ArgumentArity.ZeroOrOne };
        var output = new Option<string>("--output", "-o") { Description = "json for the machine-readable view", DefaultValueFactory = _ => "" };
        var command = new Command("ps", "Show the processes of each container: master and workers") { pod, output };
        command.SetAction((parse, _) => ClientCommand.RunAsync(parse, async client =>
        {
            var json = await FetchAsync(client, parse.GetValue(pod)).ConfigureAwait(false);
            if (parse.GetValue(output) == "json") Console.Out.WriteLine(json);
            else if (parse.GetValue(output) is { Length: > 0 } other) throw ClientCommand.Usage($"--output: unknown format \"{other}\"; allowed: json");
            else Console.Out.Write(Render(json));
            return 0;
        }));
        return command;
    }

    public static Command CreateTop()
    {
        var pod = new Argument<string?>("pod") { Description = "Only this pod", Arity = ArgumentArity.ZeroOrOne };
        var interval = new Option<double>("--interval") { Description = "Seconds between refreshes", DefaultValueFactory = _ => 2 };
        var pods = new Option<bool>("--pods") { Description = "CPU and memory per pod, the figures kubectl top pod shows (metrics.k8s.io)" };
        var once = new Option<bool>("--once") { Description = "Print one view and exit" };
        var sortBy = new Option<string>("--sort-by") { Description = "Order by cpu or memory (highest first) or name; on a terminal the keys c, m and n change it", DefaultValueFactory = _ => "cpu" };
        sortBy.AcceptOnlyFromAmong(TopSorting.Names);
        var command = new Command("top", "Show the process view, refreshed live until q or Ctrl+C") { pod, interval, pods, once, sortBy };
        command.SetAction((parse, _) => ClientCommand.RunAsync(parse, async client =>
        {
            var cancel = ClientCommand.CancelOnCtrlC();
            var sort = TopSorting.Parse(parse.GetValue(sortBy)!);
            var every = TimeSpan.FromSeconds(Math.Max(0.2, parse.GetValue(interval)));
            Task<IReadOnlyList<string>> ViewAsync() => TopViewAsync(client, parse.GetValue(pods), parse.GetValue(pod), sort);
            if (parse.GetValue(once))
            {
                Console.Out.Write(Plain(await ViewAsync().ConfigureAwait(false)));
                return 0;
            }
            if (!TerminalScreen.IsInteractive)
            {
                // Off a terminal: one block per refresh, no control codes.
                while (!cancel.IsCancellationRequested)
                {
                    Console.Out.Write(Plain(await ViewAsync().ConfigureAwait(false)) + "\n");
                    await Task.Delay(every, cancel).ConfigureAwait(false);
                }
                return 0;
            }
            using var screen = FullScreen.Open(Console.Out);
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancel, screen.Stopped);
            var keys = Channel.CreateUnbounded<char>();
            var reader = screen.Keys is { } k ? Task.Factory.StartNew(() =>
            {
                while (!stop.IsCancellationRequested)
                    if (k.Read(TimeSpan.FromMilliseconds(200)) is { } key) keys.Writer.TryWrite(key);
            }, stop.Token, TaskCreationOptions.LongRunning, TaskScheduler.Default) : Task.CompletedTask;
            try
            {
                while (!stop.IsCancellationRequested)
                {
                    screen.Draw(await ViewAsync().ConfigureAwait(false));
                    using var wait = CancellationTokenSource.CreateLinkedTokenSource(stop.Token);
                    wait.CancelAfter(every);
                    try
                    {
                        var key = await keys.Reader.ReadAsync(wait.Token).ConfigureAwait(false);
                        if (key is 'q' or 'Q') break;
                        if (TopSorting.FromKey(key) is { } chosen) sort = chosen;
                    }
                    catch (OperationCanceledException) when (!stop.IsCancellationRequested) { } // the next refresh
                }
            }
            catch (OperationCanceledException) { }
            finally
            {
                await stop.CancelAsync().ConfigureAwait(false);
                await reader.ConfigureAwait(false);
            }
            return 0;
        }));
        return command;
    }

    /// <summary>The view without its line of keys, as text.</summary>
    private static string Plain(IReadOnlyList<string> view) => string.Concat(view.Where((_, i) => i != 1).Select(l => l + "\n"));

    /// <summary>The view's lines: a summary (top's first line), the keys, then the table in <paramref name="sort"/> order.</summary>
    private static async Task<IReadOnlyList<string>> TopViewAsync(SupClient client, bool pods, string? pod, TopSort sort)
    {
        string summary, table;
        if (pods)
        {
            var json = await FetchUsageAsync(client).ConfigureAwait(false);
            summary = $"sup top --pods - {TimeProvider.System.GetLocalNow():HH:mm:ss} · {TopSorting.Count(Output.PodUsageTable.Count(json), "pod")} · sorted by {sort.Name()}";
            table = Output.PodUsageTable.Format(json, sort);
        }
        else
        {
            var view = TopSorting.Sort(ProcessViewJson.Deserialize(await FetchAsync(client, pod).ConfigureAwait(false))?.Pods ?? [], sort);
            summary = TopSorting.Summary(view, sort, TimeProvider.System.GetLocalNow());
            table = view.Count == 0 ? "No pods are running.\n" : ProcessViewTable.Format(view);
        }
        return [summary, "keys: c cpu · m memory · n name · q quit", .. table.TrimEnd('\n').Split('\n')];
    }

    private static async Task<string> FetchAsync(SupClient client, string? pod)
    {
        var path = "/sup/v1/processes" + (pod is null ? "" : "?pod=" + Uri.EscapeDataString(pod));
        var (status, body, _) = await client.SendAsync(HttpMethod.Get, path).ConfigureAwait(false);
        if (status != HttpStatusCode.OK) throw ApiException.From(status, body);
        return body;
    }

    /// <summary>The PodMetricsList of every namespace, as kubectl top pod -A reads it.</summary>
    private static async Task<string> FetchUsageAsync(SupClient client)
    {
        var (status, body, _) = await client.SendAsync(HttpMethod.Get, "/apis/metrics.k8s.io/v1beta1/pods").ConfigureAwait(false);
        if (status != HttpStatusCode.OK) throw ApiException.From(status, body);
        return body;
    }

    private static string Render(string json)
    {
        var document = ProcessViewJson.Deserialize(json);
        return document is null || document.Pods.Count == 0 ? "No pods are running.\n" : ProcessViewTable.Format(document.Pods);
    }
}

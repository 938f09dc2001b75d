using System.CommandLine;
using System.Net;
using MiniKube.Sup.Processes;

namespace MiniKube.Sup.Client.Commands;

/// <summary>sup ps [POD] [-o json] and sup top [POD]: each container's process tree (master and workers) with
/// CPU % and memory; top refreshes it until interrupted.</summary>
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
        var command = new Command("top", "Show the process view, refreshed live until interrupted") { pod, interval, pods, once };
        command.SetAction((parse, _) => ClientCommand.RunAsync(parse, async client =>
        {
            var cancel = ClientCommand.CancelOnCtrlC();
            var terminal = !Console.IsOutputRedirected && !parse.GetValue(once);
            while (!cancel.IsCancellationRequested)
            {
                var text = parse.GetValue(pods)
                    ? Output.PodUsageTable.Format(await FetchUsageAsync(client).ConfigureAwait(false))
                    : Render(await FetchAsync(client, parse.GetValue(pod)).ConfigureAwait(false));
                if (parse.GetValue(once))
                {
                    Console.Out.Write(text);
                    break;
                }
                // On a terminal: clear and redraw in place; elsewhere: one block per refresh, no control codes.
                Console.Out.Write(terminal ? "\e[H\e[2J" + text : text + "\n");
                await Task.Delay(TimeSpan.FromSeconds(Math.Max(0.2, parse.GetValue(interval))), cancel).ConfigureAwait(false);
            }
            return 0;
        }));
        return command;
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

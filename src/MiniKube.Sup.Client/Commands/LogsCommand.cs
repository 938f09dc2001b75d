using System.CommandLine;
using System.Net;
using System.Text.Json;
using MiniKube.Sup.Api;
using MiniKube.Sup.Spec;
using MiniKube.Sup.Client.Arguments;

namespace MiniKube.Sup.Client.Commands;

/// <summary>sup logs POD [-c C] [-f] [--previous] [--tail N] | sup logs -l SELECTOR | sup logs job/NAME (the
/// second and third prefix each line with [pod/NAME/CONTAINER]; a Job's steps come in order, pod by pod).</summary>
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
        var allContainers = new Option<bool>("--all-containers") { Description = "Every container of the pod (init containers first)" };
        var prefix = new Option<bool>("--prefix") { Description = "Prefix each line with [pod/NAME/CONTAINER]" };
        var timestamps = new Option<bool>("--timestamps") { Description = "Begin each line with the time it was written (RFC 3339, nanoseconds)" };
        var since = new Option<string?>("--since") { Description = "Only lines newer than this (e.g. 10s, 5m, 1h)" };
        var sinceTime = new Option<string?>("--since-time") { Description = "Only lines written at or after this time (RFC 3339)" };
        var command = new Command("logs", "Print the logs of a container (POD, pod/POD, job/, deploy/, sts/, rs/, ds/, rc/ or svc/NAME)") { pod, container, follow, previous, tail, selector, allContainers, prefix, timestamps, since, sinceTime };
        command.SetAction((parse, _) => ClientCommand.RunAsync(parse, async client =>
        {
            var cancel = ClientCommand.CancelOnCtrlC();
            var name = parse.GetValue(pod);
            var sel = parse.GetValue(selector);
            if (name is null && sel is null) throw ClientCommand.Usage("logs needs a pod name or -l SELECTOR");
            var text = Text(parse.GetValue(timestamps), parse.GetValue(since), parse.GetValue(sinceTime));
            if (name is not null && name.IndexOf('/') is var slash and > 0)
            {
                var kind = Kinds.ByName(name[..slash]);
                var objectName = name[(slash + 1)..];
                if (kind == Kinds.Job)
                    return await JobAsync(client, objectName, parse.GetValue(container), parse.GetValue(follow), parse.GetValue(previous), parse.GetValue(tail), text, cancel).ConfigureAwait(false) ? 0 : 1;
                if (kind == Kinds.Pod) name = objectName;
                else if (kind is not null && LogsTarget.ChoosesByLabels(kind))
                {
                    if (await LogsTarget.ChooseAsync(client, kind, objectName).ConfigureAwait(false) is not { } chosen) return 1;
                    name = chosen.GetProperty("metadata").GetProperty("name").GetString()!;
                }
                else throw ClientCommand.Usage($"cannot read the logs of {name}: give a pod, or job/, deployment/, statefulset/, replicaset/, daemonset/, replicationcontroller/ or service/NAME");
            }
            var query = Query(parse.GetValue(follow), parse.GetValue(previous), parse.GetValue(tail), text);
            if (name is not null)
            {
                var c = parse.GetValue(container);
                if (!parse.GetValue(allContainers) && !parse.GetValue(prefix))
                {
                    await CopyAsync(client, name, c, query, prefix: null, cancel).ConfigureAwait(false);
                    return 0;
                }
                using var podJson = JsonDocument.Parse(await client.GetJsonAsync(Kinds.Pod, name).ConfigureAwait(false));
                var names = ContainerNames(podJson.RootElement.GetProperty("spec"), initToo: parse.GetValue(allContainers))
                    .Where(n => c is null || n == c).ToList();
                if (!parse.GetValue(allContainers) && c is null && names.Count > 1)
                    throw ClientCommand.Usage($"a container name must be specified for pod {name}, choose one of: [{string.Join(" ", names)}] or --all-containers");
                var copies = names.Select(n => (Func<Task>)(() => CopyAsync(client, name, n, query, parse.GetValue(prefix) ? $"[pod/{name}/{n}] " : null, cancel))).ToList();
                // Followed, the containers run side by side; otherwise one after the other, in order.
                if (parse.GetValue(follow)) await Task.WhenAll(copies.Select(copy => copy())).ConfigureAwait(false);
                else foreach (var copy in copies) await copy().ConfigureAwait(false);
                return 0;
            }
            var list = await client.GetJsonAsync(Kinds.Pod, null, "labelSelector=" + Uri.EscapeDataString(sel!)).ConfigureAwait(false);
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
            if (tasks.Count == 0) Console.Error.WriteLine(client.NoResources(Kinds.Pod));
            await Task.WhenAll(tasks).ConfigureAwait(false);
            return 0;
        }));
        return command;
    }

    /// <summary>A Job's logs: its pods oldest first, each pod's steps in order (init containers, then containers).
    /// Following, only the newest pod is followed, step after step, each once it has started.</summary>
    /// <param name="text">the timestamps and since parameters, as for a pod (<see cref="Text"/>)</param>
    /// <returns>false when the Job has no pods (said on stderr)</returns>
    internal static async Task<bool> JobAsync(SupClient client, string job, string? only, bool follow, bool previous, int? tail, string? text, CancellationToken cancel)
    {
        var selector = "labelSelector=" + Uri.EscapeDataString("batch.kubernetes.io/job-name=" + job);
        using var doc = JsonDocument.Parse(await client.GetJsonAsync(Kinds.Pod, null, selector).ConfigureAwait(false));
        var pods = doc.RootElement.GetProperty("items").EnumerateArray()
            .OrderBy(p => p.GetProperty("metadata").TryGetProperty("creationTimestamp", out var c) ? c.GetString() : "", StringComparer.Ordinal)
            .ToList();
        if (pods.Count == 0)
        {
            Console.Error.WriteLine($"error: no pods found for job/{job}");
            return false;
        }
        foreach (var pod in follow ? pods.TakeLast(1) : pods)
        {
            var podName = pod.GetProperty("metadata").GetProperty("name").GetString()!;
            var spec = pod.GetProperty("spec");
            var steps = (spec.TryGetProperty("initContainers", out var init) ? init.EnumerateArray().ToList() : [])
                .Concat(spec.GetProperty("containers").EnumerateArray())
                .Select(c => c.GetProperty("name").GetString()!)
                .Where(c => only is null || c == only)
                .ToList();
            foreach (var step in steps)
            {
                if (follow) await WaitStartedAsync(client, podName, step, cancel).ConfigureAwait(false);
                await CopyAsync(client, podName, step, Query(follow, previous, tail, text), $"[pod/{podName}/{step}] ", cancel).ConfigureAwait(false);
            }
        }
        return true;
    }

    /// <summary>A pod spec's container names: its init containers first when asked for, then its containers.</summary>
    private static IEnumerable<string> ContainerNames(JsonElement spec, bool initToo) =>
        (initToo && spec.TryGetProperty("initContainers", out var init) ? init.EnumerateArray().ToList() : [])
            .Concat(spec.GetProperty("containers").EnumerateArray())
            .Select(c => c.GetProperty("name").GetString()!);

    /// <summary>Until the step has started (running or terminated), or its pod is gone.</summary>
    private static async Task WaitStartedAsync(SupClient client, string pod, string container, CancellationToken cancel)
    {
        while (!cancel.IsCancellationRequested)
        {
            var (status, body, _) = await client.SendAsync(HttpMethod.Get, client.Path(Kinds.Pod, pod), cancel: cancel).ConfigureAwait(false);
            if (status != HttpStatusCode.OK) return;
            using var doc = JsonDocument.Parse(body);
            if (!doc.RootElement.TryGetProperty("status", out var s)) { await Task.Delay(100, cancel).ConfigureAwait(false); continue; }
            foreach (var list in new[] { "initContainerStatuses", "containerStatuses" })
                if (s.TryGetProperty(list, out var statuses))
                    foreach (var c in statuses.EnumerateArray())
                        if (c.GetProperty("name").GetString() == container && c.TryGetProperty("state", out var state)
                            && (state.TryGetProperty("running", out _) || state.TryGetProperty("terminated", out _)))
                            return;
            if (s.TryGetProperty("phase", out var phase) && phase.GetString() is "Succeeded" or "Failed") return;
            await Task.Delay(100, cancel).ConfigureAwait(false);
        }
    }

    private static string Query(bool follow, bool previous, int? tail, string? text = null) =>
        string.Join('&', new[] { follow ? "follow=true" : null, previous ? "previous=true" : null, tail is { } t ? $"tailLines={t}" : null, text }.Where(s => !string.IsNullOrEmpty(s)));

    /// <summary>The API's timestamps, sinceSeconds and sinceTime parameters; --since and --since-time together are
    /// refused, as kubectl refuses them.</summary>
    private static string? Text(bool timestamps, string? since, string? sinceTime)
    {
        if (since is not null && sinceTime is not null) throw ClientCommand.Usage("at most one of --since or --since-time may be given");
        var parts = new List<string>();
        if (timestamps) parts.Add("timestamps=true");
        if (since is not null)
        {
            var duration = DurationArgument.Parse(since) ?? throw ClientCommand.Usage(DurationArgument.Unreadable("--since", since));
            parts.Add($"sinceSeconds={Math.Max(1, (long)Math.Ceiling(duration.TotalSeconds))}");
        }
        if (sinceTime is not null)
        {
            if (!DateTimeOffset.TryParse(sinceTime, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var at))
                throw ClientCommand.Usage($"--since-time: expected an RFC 3339 time such as 2026-12-05T10:00:00Z, got \"{sinceTime}\"");
            parts.Add("sinceTime=" + Uri.EscapeDataString(at.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffffffZ", System.Globalization.CultureInfo.InvariantCulture)));
        }
        return parts.Count == 0 ? null : string.Join('&', parts);
    }

    private static async Task CopyAsync(SupClient client, string pod, string? container, string query, string? prefix, CancellationToken cancel)
    {
        var q = container is null ? query : $"container={Uri.EscapeDataString(container)}" + (query.Length > 0 ? "&" + query : "");
        var path = client.Path(Kinds.Pod, pod) + "/log" + (q.Length > 0 ? "?" + q : "");
        await using var stream = await client.StreamAsync(path, null, cancel).ConfigureAwait(false);
        if (prefix is null)
        {
            await using var stdout = Terminal.ConsoleStreams.OpenStandardOutput();
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

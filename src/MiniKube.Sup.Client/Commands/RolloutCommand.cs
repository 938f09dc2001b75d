using System.CommandLine;
using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using MiniKube.Sup.Api;
using MiniKube.Sup.Spec;
using MiniKube.Sup.Client.Arguments;
using MiniKube.Sup.Client.Output;

namespace MiniKube.Sup.Client.Commands;

/// <summary>sup rollout status|restart|undo|history KIND/NAME, with kubectl's messages.</summary>
internal static class RolloutCommand
{
    private const string RestartedAt = "kubectl.kubernetes.io/restartedAt";
    private const string Revision = "deployment.kubernetes.io/revision";

    public static Command Create()
    {
        var command = new Command("rollout", "Manage the rollout of a Deployment, StatefulSet or DaemonSet");
        command.Subcommands.Add(Status());
        command.Subcommands.Add(Restart());
        command.Subcommands.Add(Undo());
        command.Subcommands.Add(History());
        return command;
    }

    /// <summary>kubectl's resource.group name (<c>deployment.apps</c>).</summary>
    public static string Qualified(KindInfo kind) => kind.Group.Length == 0 ? kind.Singular : $"{kind.Singular}.{kind.Group}";

    private static Argument<string[]> What() => new("what") { Description = "KIND/NAME (deployment, statefulset, daemonset)", Arity = ArgumentArity.OneOrMore };

    private static (KindInfo Kind, string Name) Target(string[] args, bool deploymentOnly = false)
    {
        var (kind, names, error) = KindArgument.Parse(args);
        if (kind is null) throw ClientCommand.Usage(error!);
        if (names.Count != 1) throw ClientCommand.Usage("give exactly one object: KIND/NAME");
        var allowed = deploymentOnly ? kind == Kinds.Deployment
            : kind == Kinds.Deployment || kind == Kinds.StatefulSet || kind == Kinds.DaemonSet;
        if (!allowed) throw ClientCommand.Usage($"no rollout for {kind.Plural}{(deploymentOnly ? " (only deployments have revisions here)" : "")}");
        return (kind, names[0]);
    }

    private static Command Status()
    {
        var what = What();
        var watch = new Option<bool>("--watch", "-w") { Description = "Watch until the rollout is done", DefaultValueFactory = _ => true };
        var timeout = new Option<string>("--timeout")
        {
            Description = "How long to wait before giving up (e.g. 30s, 2m; 0, the default: forever)",
            DefaultValueFactory = _ => "0s",
        };
        var command = new Command("status", "Show the status of the rollout") { what, watch, timeout };
        command.SetAction((parse, _) => ClientCommand.RunAsync(parse, async client =>
        {
            var (kind, name) = Target(parse.GetValue(what)!);
            if (!parse.GetValue(watch))
            {
                var (message, _, error) = StatusOf(kind, name, JsonNode.Parse(await client.GetJsonAsync(kind, name).ConfigureAwait(false))!);
                return Report(message, error, last: null);
            }
            // Each change of the object, from the API's watch: its message when it is new, until done or an error.
            // kubectl takes a duration (--timeout=60s); a bare number is seconds, as the other commands read it.
            var seconds = (DurationArgument.Parse(parse.GetValue(timeout)!)
                ?? throw ClientCommand.Usage(DurationArgument.Unreadable("--timeout", parse.GetValue(timeout)!))).TotalSeconds;
            var time = TimeProvider.System;
            var start = time.GetTimestamp();
            var waiter = new ObjectWaiter(client, time);
            string? last = null;
            int? code = null;
            while (true)
            {
                var limit = seconds > 0 ? TimeSpan.FromSeconds(seconds) - time.GetElapsedTime(start) : Timeout.InfiniteTimeSpan;
                var (met, _) = await waiter.UntilAsync(kind, name, json =>
                {
                    if (json is null) return true;
                    var (message, done, error) = StatusOf(kind, name, JsonNode.Parse(json)!);
                    var reported = Report(message, error, last);
                    last = message;
                    if (reported != 0 || done) code = reported;
                    return code is not null;
                }, limit).ConfigureAwait(false);
                if (!met)
                {
                    Console.Error.WriteLine("error: timed out waiting for the condition");
                    return 1;
                }
                if (code is { } c) return c;
                // The object is gone: the server says so (or, made again meanwhile, it is followed on).
                await client.GetJsonAsync(kind, name).ConfigureAwait(false);
            }
        }));
        return command;
    }

    /// <summary>Prints a status message that is not <paramref name="last"/>, or the error.</summary>
    /// <returns>1 after an error, else 0.</returns>
    private static int Report(string message, string? error, string? last)
    {
        if (error is not null)
        {
            Console.Error.WriteLine(ClientCommand.Error($"error: {error}"));
            return 1;
        }
        if (message != last) Console.Out.Write(message);
        return 0;
    }

    /// <summary>kubectl's status viewers (polymorphichelpers/rollout_status.go).</summary>
    public static (string Message, bool Done, string? Error) StatusOf(KindInfo kind, string name, JsonNode obj)
    {
        long Num(JsonNode? n) => n is null ? 0 : n.GetValue<long>();
        var generation = Num(obj["metadata"]?["generation"]);
        var status = obj["status"];
        var observed = Num(status?["observedGeneration"]);
        var replicas = obj["spec"]?["replicas"] is { } r ? r.GetValue<long>() : 1;
        if (kind == Kinds.Deployment)
        {
            if (generation > observed) return ("Waiting for deployment spec update to be observed...\n", false, null);
            var progressing = status?["conditions"]?.AsArray().FirstOrDefault(c => c?["type"]?.GetValue<string>() == "Progressing");
            if (progressing?["reason"]?.GetValue<string>() == "ProgressDeadlineExceeded") return ("", false, $"deployment \"{name}\" exceeded its progress deadline");
            var updated = Num(status?["updatedReplicas"]);
            var total = Num(status?["replicas"]);
            var available = Num(status?["availableReplicas"]);
            if (updated < replicas) return ($"Waiting for deployment \"{name}\" rollout to finish: {updated} out of {replicas} new replicas have been updated...\n", false, null);
            if (total > updated) return ($"Waiting for deployment \"{name}\" rollout to finish: {total - updated} old replicas are pending termination...\n", false, null);
            if (available < updated) return ($"Waiting for deployment \"{name}\" rollout to finish: {available} of {updated} updated replicas are available...\n", false, null);
            return ($"deployment \"{name}\" successfully rolled out\n", true, null);
        }
        if (kind == Kinds.StatefulSet)
        {
            if (obj["spec"]?["updateStrategy"]?["type"]?.GetValue<string>() is { } type && type != "RollingUpdate")
                return ("", false, "rollout status is only available for RollingUpdate strategy type");
            if (observed == 0 || generation > observed) return ("Waiting for statefulset spec update to be observed...\n", false, null);
            var ready = Num(status?["readyReplicas"]);
            if (ready < replicas) return ($"Waiting for {replicas - ready} pods to be ready...\n", false, null);
            var updated = Num(status?["updatedReplicas"]);
            var partition = Num(obj["spec"]?["updateStrategy"]?["rollingUpdate"]?["partition"]);
            if (partition > 0)
            {
                if (updated < replicas - partition)
                    return ($"Waiting for partitioned roll out to finish: {updated} out of {replicas - partition} new pods have been updated...\n", false, null);
                return ($"partitioned roll out complete: {updated} new pods have been updated...\n", true, null);
            }
            var updateRevision = status?["updateRevision"]?.GetValue<string>();
            var currentRevision = status?["currentRevision"]?.GetValue<string>();
            if (updateRevision != currentRevision)
                return ($"waiting for statefulset rolling update to complete {updated} pods at revision {updateRevision}...\n", false, null);
            return ($"statefulset rolling update complete {Num(status?["currentReplicas"])} pods at revision {currentRevision}...\n", true, null);
        }
        if (generation > observed) return ("Waiting for daemon set spec update to be observed...\n", false, null);
        var desired = Num(status?["desiredNumberScheduled"]);
        var updatedDs = Num(status?["updatedNumberScheduled"]);
        var availableDs = Num(status?["numberAvailable"]);
        if (updatedDs < desired) return ($"Waiting for daemon set \"{name}\" rollout to finish: {updatedDs} out of {desired} new pods have been updated...\n", false, null);
        if (availableDs < desired) return ($"Waiting for daemon set \"{name}\" rollout to finish: {availableDs} of {desired} updated pods are available...\n", false, null);
        return ($"daemon set \"{name}\" successfully rolled out\n", true, null);
    }

    private static Command Restart()
    {
        var what = What();
        var command = new Command("restart", "Restart every pod of the object through a rollout") { what };
        command.SetAction((parse, _) => ClientCommand.RunAsync(parse, async client =>
        {
            var (kind, name) = Target(parse.GetValue(what)!);
            // kubectl: a new template annotation makes a new revision, rolled out by the object's strategy.
            var now = DateTime.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ssK", CultureInfo.InvariantCulture);
            var patch = new JsonObject { ["spec"] = new JsonObject { ["template"] = new JsonObject { ["metadata"] = new JsonObject { ["annotations"] = new JsonObject { [RestartedAt] = now } } } } };
            var (status, body, _) = await client.SendAsync(HttpMethod.Patch, client.Path(kind, name), patch.ToJsonString(),
                contentType: "application/strategic-merge-patch+json").ConfigureAwait(false);
            if (status != HttpStatusCode.OK) throw ApiException.From(status, body);
            Console.Out.WriteLine($"{Qualified(kind)}/{name} restarted");
            return 0;
        }));
        return command;
    }

    /// <summary>The Deployment's ReplicaSets by revision, oldest first.</summary>
    private static async Task<(JsonObject Deployment, List<(long Revision, JsonNode ReplicaSet)> Revisions)> RevisionsAsync(SupClient client, string name)
    {
        var deployment = JsonNode.Parse(await client.GetJsonAsync(Kinds.Deployment, name).ConfigureAwait(false))!.AsObject();
        var uid = deployment["metadata"]?["uid"]?.GetValue<string>();
        var list = JsonNode.Parse(await client.GetJsonAsync(Kinds.ReplicaSet, null).ConfigureAwait(false))!;
        var revisions = new List<(long, JsonNode)>();
        foreach (var rs in list["items"]!.AsArray())
        {
            if (rs?["metadata"]?["ownerReferences"]?.AsArray().Any(o => o?["uid"]?.GetValue<string>() == uid) != true) continue;
            var text = rs["metadata"]?["annotations"]?[Revision]?.GetValue<string>();
            if (long.TryParse(text, CultureInfo.InvariantCulture, out var revision)) revisions.Add((revision, rs));
        }
        return (deployment, revisions.OrderBy(r => r.Item1).ToList());
    }

    private static Command History()
    {
        var what = What();
        var command = new Command("history", "Show the revisions of a Deployment") { what };
        command.SetAction((parse, _) => ClientCommand.RunAsync(parse, async client =>
        {
            var (kind, name) = Target(parse.GetValue(what)!, deploymentOnly: true);
            var (_, revisions) = await RevisionsAsync(client, name).ConfigureAwait(false);
            Console.Out.WriteLine($"{Qualified(kind)}/{name} ");
            var rows = revisions.Select(r => new List<string> { r.Revision.ToString(CultureInfo.InvariantCulture),
                r.ReplicaSet["metadata"]?["annotations"]?["kubernetes.io/change-cause"]?.GetValue<string>() ?? "<none>" }).ToList();
            Console.Out.Write(TablePrinter.Format(["REVISION", "CHANGE-CAUSE"], rows));
            return 0;
        }));
        return command;
    }

    private static Command Undo()
    {
        var what = What();
        var toRevision = new Option<long>("--to-revision") { Description = "The revision to roll back to (default: the previous one)" };
        var command = new Command("undo", "Roll a Deployment back to an earlier revision") { what, toRevision };
        command.SetAction((parse, _) => ClientCommand.RunAsync(parse, async client =>
        {
            var (kind, name) = Target(parse.GetValue(what)!, deploymentOnly: true);
            var (deployment, revisions) = await RevisionsAsync(client, name).ConfigureAwait(false);
            var current = long.TryParse(deployment["metadata"]?["annotations"]?[Revision]?.GetValue<string>(), CultureInfo.InvariantCulture, out var c) ? c : revisions.LastOrDefault().Revision;
            var wanted = parse.GetValue(toRevision);
            var target = wanted > 0 ? revisions.FirstOrDefault(r => r.Revision == wanted) : revisions.LastOrDefault(r => r.Revision < current);
            if (target.ReplicaSet is null)
            {
                Console.Error.WriteLine(ClientCommand.Error(wanted > 0 ? $"error: unable to find specified revision {wanted} in history" : "error: no rollout history found for deployment \"" + name + "\""));
                return 1;
            }
            // kubectl: the ReplicaSet's template, less its pod-template-hash label, becomes the Deployment's.
            var template = target.ReplicaSet["spec"]!["template"]!.DeepClone();
            template["metadata"]?["labels"]?.AsObject().Remove("pod-template-hash");
            deployment.Remove("status");
            var metadata = deployment["metadata"]!.AsObject();
            foreach (var field in new[] { "resourceVersion", "generation", "managedFields" }) metadata.Remove(field);
            if (JsonNode.DeepEquals(deployment["spec"]!["template"], template))
            {
                Console.Out.WriteLine($"{Qualified(kind)}/{name} skipped rollback (current template already matches revision {target.Revision})");
                return 0;
            }
            deployment["spec"]!["template"] = template;
            var (status, body, _) = await client.SendAsync(HttpMethod.Put, client.Path(kind, name), deployment.ToJsonString()).ConfigureAwait(false);
            if (status != HttpStatusCode.OK) throw ApiException.From(status, body);
            Console.Out.WriteLine($"{Qualified(kind)}/{name} rolled back");
            return 0;
        }));
        return command;
    }
}

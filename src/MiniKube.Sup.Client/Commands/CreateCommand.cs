using System.CommandLine;
using System.Net;
using System.Text.Json.Nodes;
using MiniKube.Sup.Api;
using MiniKube.Sup.Spec;
using MiniKube.Sup.Client.Arguments;

namespace MiniKube.Sup.Client.Commands;

/// <summary>sup create job NAME --from=cronjob/CRONJOB: runs a CronJob now, as kubectl does it (client side: the
/// Job is made from the CronJob's jobTemplate, annotated <c>cronjob.kubernetes.io/instantiate: manual</c> and
/// controlled by the CronJob, so that deleting the CronJob takes it).</summary>
internal static class CreateCommand
{
    public static Command Create()
    {
        var name = new Argument<string>("name") { Description = "Name of the Job" };
        var from = new Option<string>("--from") { Description = "cronjob/NAME: the CronJob whose template the Job is made from", Required = true };
        var job = new Command("job", "Create a Job from a CronJob's template") { name, from };
        job.SetAction((parse, _) => ClientCommand.RunAsync(parse, async client =>
        {
            var source = parse.GetValue(from)!;
            var slash = source.IndexOf('/');
            if (slash < 0 || Kinds.ByName(source[..slash]) != Kinds.CronJob)
                throw ClientCommand.Usage($"--from: expected cronjob/NAME, got \"{source}\"");
            var cronJobName = source[(slash + 1)..];
            var (status, body, _) = await client.SendAsync(HttpMethod.Get, client.Path(Kinds.CronJob, cronJobName)).ConfigureAwait(false);
            if (status != HttpStatusCode.OK)
            {
                Console.Error.WriteLine(ClientCommand.Error(ApiException.From(status, body).Message));
                return 1;
            }
            var jobName = parse.GetValue(name)!;
            var request = FromCronJob(JsonNode.Parse(body)!.AsObject(), jobName);
            var (created, answer, _) = await client.SendAsync(HttpMethod.Post, client.Path(Kinds.Job), request.ToJsonString()).ConfigureAwait(false);
            if (created is not (HttpStatusCode.Created or HttpStatusCode.OK))
            {
                Console.Error.WriteLine(ClientCommand.Error($"error: failed to create job: {ApiException.MessageOf(created, answer)}"));
                return 1;
            }
            Console.Out.WriteLine($"job.batch/{jobName} created");
            return 0;
        }));
        return new Command("create", "Create an object") { job };
    }

    /// <summary>kubectl createJobFromCronJob.</summary>
    public static JsonObject FromCronJob(JsonObject cronJob, string jobName)
    {
        var metadata = cronJob["metadata"]!.AsObject();
        var template = cronJob["spec"]?["jobTemplate"]?.AsObject() ?? new JsonObject();
        var annotations = template["metadata"]?["annotations"]?.DeepClone().AsObject() ?? new JsonObject();
        annotations["cronjob.kubernetes.io/instantiate"] = "manual";
        var jobMetadata = new JsonObject
        {
            ["name"] = jobName,
            ["namespace"] = metadata["namespace"]?.DeepClone() ?? "default",
            ["annotations"] = annotations,
            ["ownerReferences"] = new JsonArray(new JsonObject
            {
                ["apiVersion"] = "batch/v1",
                ["kind"] = "CronJob",
                ["name"] = metadata["name"]!.GetValue<string>(),
                ["uid"] = metadata["uid"]?.GetValue<string>(),
                ["controller"] = true,
                ["blockOwnerDeletion"] = true,
            }),
        };
        if (template["metadata"]?["labels"] is { } labels) jobMetadata["labels"] = labels.DeepClone();
        return new JsonObject
        {
            ["apiVersion"] = "batch/v1",
            ["kind"] = "Job",
            ["metadata"] = jobMetadata,
            ["spec"] = template["spec"]?.DeepClone() ?? new JsonObject(),
        };
    }
}

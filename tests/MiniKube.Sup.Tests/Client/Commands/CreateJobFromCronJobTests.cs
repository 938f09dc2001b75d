using System.Text.Json.Nodes;
using MiniKube.Sup.Client.Commands;

namespace MiniKube.Sup.Tests.Client.Commands;

public class CreateJobFromCronJobTests
{
    [Fact]
    public void The_job_is_the_cronjobs_template_marked_manual_and_owned_by_the_cronjob()
    {
        var cronJob = JsonNode.Parse("""
            {"metadata":{"name":"backup","uid":"c-1"},
             "spec":{"schedule":"0 * * * *","jobTemplate":{"metadata":{"labels":{"app":"backup"},"annotations":{"team":"ops"}},
               "spec":{"backoffLimit":2,"template":{"spec":{"containers":[{"name":"dump"}]}}}}}}
            """)!.AsObject();

        var job = CreateCommand.FromCronJob(cronJob, "backup-now");

        Assert.Equal("Job", job["kind"]!.GetValue<string>());
        Assert.Equal("backup-now", job["metadata"]!["name"]!.GetValue<string>());
        Assert.Equal("manual", job["metadata"]!["annotations"]!["cronjob.kubernetes.io/instantiate"]!.GetValue<string>());
        Assert.Equal("ops", job["metadata"]!["annotations"]!["team"]!.GetValue<string>());
        Assert.Equal("backup", job["metadata"]!["labels"]!["app"]!.GetValue<string>());
        var owner = job["metadata"]!["ownerReferences"]![0]!;
        Assert.Equal(("CronJob", "backup", "c-1", true), (owner["kind"]!.GetValue<string>(), owner["name"]!.GetValue<string>(), owner["uid"]!.GetValue<string>(), owner["controller"]!.GetValue<bool>()));
        Assert.Equal(2, job["spec"]!["backoffLimit"]!.GetValue<int>());
        Assert.Null(cronJob["spec"]!["jobTemplate"]!["metadata"]!["annotations"]!["cronjob.kubernetes.io/instantiate"]);
    }
}

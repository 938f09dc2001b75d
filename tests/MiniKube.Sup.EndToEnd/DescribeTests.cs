namespace MiniKube.Sup.EndToEnd;

/// <summary>`sup describe` of the kinds users describe most, in kubectl describe's words.</summary>
public sealed class DescribeTests
{
    private const string Stack = """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: web, labels: {app: web}}
        spec:
          replicas: 2
          selector: {matchLabels: {app: web}}
          template:
            metadata: {labels: {app: web}}
            spec:
              terminationGracePeriodSeconds: 3
              containers:
                - name: app
                  command: ["TESTAPP"]
                  env: [{name: MODE, value: demo}]
        ---
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: settings}
        data: {mode: demo}
        ---
        apiVersion: batch/v1
        kind: Job
        metadata: {name: once}
        spec:
          template:
            spec:
              restartPolicy: Never
              containers: [{name: step, command: ["TESTAPP", "--exit", "0"]}]
        """;

    [Fact]
    public async Task Deployments_ConfigMaps_and_Jobs_are_described_as_kubectl_describes_them()
    {
        await using var d = new SupDaemon(Stack);
        await d.StartAsync();
        await Poll.Until(() => d.Sup("describe", "deploy/web").GetAwaiter().GetResult().Out.Contains("2 available"), "2 available replicas", 30);
        await Poll.Until(() => d.Sup("describe", "job", "once").GetAwaiter().GetResult().Out.Contains("1 Succeeded"), "the Job done", 30);

        var (code, deployment, _) = await d.Sup("describe", "deploy/web");
        Assert.Equal(0, code);
        Assert.Contains("Replicas:               2 desired | 2 updated | 2 total | 2 available | 0 unavailable", deployment);
        Assert.Contains("RollingUpdateStrategy:  25% max unavailable, 25% max surge", deployment);
        Assert.Contains("Annotations:            deployment.kubernetes.io/revision: 1", deployment);
        Assert.Contains("      MODE:  demo", deployment);
        Assert.Matches(@"Available\s+True\s+MinimumReplicasAvailable", deployment);
        Assert.Contains("ScalingReplicaSet", deployment);

        var (_, map, _) = await d.Sup("describe", "cm", "settings");
        Assert.Contains("Data\n====\nmode:\n----\ndemo\n", map);

        var (_, job, _) = await d.Sup("describe", "job/once");
        Assert.Contains("Pods Statuses:    0 Active (0 Ready) / 1 Succeeded / 0 Failed", job);
        Assert.Matches(@"Complete\s+True", job);
    }
}

namespace MiniKube.Sup.EndToEnd;

/// <summary>Service names in an isolated host pod's /etc/hosts follow what is there now, as cluster DNS answers: a
/// StatefulSet's later pod under its headless Service, a Service made (or deleted) after the pod started. Each pod's
/// container prints what <c>getent hosts</c> answers inside its mount namespace whenever the answer changes.</summary>
public sealed class PodHostsTests
{
    private const string Resolver = """["sh", "-c", "last=x; while :; do now=$(getent hosts NAME); if [ \"$now\" != \"$last\" ]; then echo \"${now:-none}\"; last=$now; fi; sleep 0.2; done"]""";

    [Fact]
    public async Task A_StatefulSet_pod_resolves_its_later_sibling_under_the_headless_Service_to_its_pod_IP()
    {
        await using var d = new SupDaemon($$"""
            apiVersion: v1
            kind: Service
            metadata: {name: web}
            spec:
              clusterIP: None
              selector: {app: web}
              ports: [{port: 80}]
            ---
            apiVersion: apps/v1
            kind: StatefulSet
            metadata: {name: web}
            spec:
              serviceName: web
              replicas: 2
              selector:
                matchLabels: {app: web}
              template:
                metadata:
                  labels: {app: web}
                  annotations: {sup.minikube.io/isolate: "true"}
                spec:
                  terminationGracePeriodSeconds: 1
                  containers:
                  - name: resolver
                    command: {{Resolver.Replace("NAME", "web-1.web")}}
            """);
        await d.StartAsync();
        await d.WaitForPodAsync("web-1", seconds: 60);
        var (_, ip, _) = await d.Sup("get", "pod", "web-1", "-o", "jsonpath={.status.podIP}");
        Assert.StartsWith("127.", ip);

        // web-0 started (and was Ready) before web-1 was made: its hosts file was written without web-1.
        var expected = $"{ip,-15} web-1.web";
        await Poll.For(async () => await LastLineAsync(d, "web-0") == expected ? "" : null, $"web-0 resolving web-1.web to {ip}", 30);
        Assert.Equal(0, await d.StopAsync());
    }

    [Fact]
    public async Task A_Service_made_after_the_pod_started_resolves_in_it_and_goes_when_deleted()
    {
        await using var d = new SupDaemon($$"""
            apiVersion: v1
            kind: Pod
            metadata:
              name: client
              annotations: {sup.minikube.io/isolate: "true"}
            spec:
              terminationGracePeriodSeconds: 1
              containers:
              - name: resolver
                command: {{Resolver.Replace("NAME", "late.default.svc.cluster.local")}}
            """);
        await d.StartAsync();
        await Poll.For(async () => await LastLineAsync(d, "client") == "none" ? "" : null, "the pod running without the Service", 30);

        var late = Path.Combine(d.Dir, "late.yaml");
        File.WriteAllText(late, """
            apiVersion: v1
            kind: Service
            metadata: {name: late}
            spec:
              clusterIP: 127.0.0.79
              ports: [{port: 80}]
            """);
        var (code, _, err) = await d.Sup("apply", "-f", late);
        Assert.True(code == 0, err);
        await Poll.For(async () => await LastLineAsync(d, "client") != "none" ? "" : null, "the Service resolving", 30);
        (code, _, err) = await d.Sup("delete", "service/late");
        Assert.True(code == 0, err);
        await Poll.For(async () => await LastLineAsync(d, "client") == "none" ? "" : null, "the Service gone", 30);

        Assert.Equal("none\n127.0.0.79      late.default.svc.cluster.local\nnone\n", (await d.Sup("logs", "client")).Out);
        Assert.Equal(0, await d.StopAsync());
    }

    private static async Task<string> LastLineAsync(SupDaemon d, string pod) =>
        (await d.Sup("logs", pod)).Out.TrimEnd('\n').Split('\n')[^1];
}

namespace MiniKube.Sup.EndToEnd;

/// <summary>The dev loop: sup.minikube.io/restart-on-change restarts a bare pod's containers in place and gives a
/// Deployment a rolling restart when a watched file changes.</summary>
public sealed class RestartOnChangeTests : IDisposable
{
    private readonly string _src = Directory.CreateTempSubdirectory("sup-devloop-").FullName;

    public void Dispose() => Directory.Delete(_src, recursive: true);

    [Fact]
    public async Task A_changed_file_restarts_a_pods_containers_and_rolls_a_Deployment()
    {
        await using var d = new SupDaemon($$$"""
            apiVersion: v1
            kind: Pod
            metadata:
              name: dev
              annotations: {sup.minikube.io/restart-on-change: "{{{_src}}}/**/*.py"}
            spec:
              terminationGracePeriodSeconds: 3
              containers: [{name: app, command: ["TESTAPP", "--print", "dev up"]}]
            ---
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: web}
            spec:
              replicas: 1
              selector: {matchLabels: {app: web}}
              template:
                metadata:
                  labels: {app: web}
                  annotations: {sup.minikube.io/restart-on-change: "{{{_src}}}/*.conf"}
                spec:
                  terminationGracePeriodSeconds: 3
                  containers: [{name: web, command: ["TESTAPP"]}]
            """);
        await d.StartAsync();
        var (code, output, err) = await d.Sup("wait", "--for=condition=Ready", "pod/dev", "--timeout", "60s");
        Assert.True(code == 0, output + err);
        await Poll.Until(() => d.Sup("get", "pods").GetAwaiter().GetResult().Out.Contains("web-"), "the Deployment's pod", 30);
        var before = WebPods(d);

        File.WriteAllText(Path.Combine(_src, "main.py"), "print('v2')");
        await Poll.Until(() => d.Process.Lines.Count(l => l.Contains("dev/app | dev up", StringComparison.Ordinal)) == 2, "dev restarted in place:\n" + d.Process.Output, 30);
        Assert.Contains("Container app saw a watched file change, will be restarted", d.Process.Output);
        Assert.Equal(before, WebPods(d)); // a .py file is none of the Deployment's business

        File.WriteAllText(Path.Combine(_src, "web.conf"), "v2");
        await Poll.Until(() => WebPods(d).Except(before).Any(), "a new web pod (rolling restart)", 60);
        Assert.Matches(@"(?m)^dev\s+1/1\s+Running\s+1\b", (await d.Sup("get", "pods")).Out);
    }

    private static string[] WebPods(SupDaemon d) =>
        d.Sup("get", "pods", "-o", "name").GetAwaiter().GetResult().Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(n => n.StartsWith("pod/web-", StringComparison.Ordinal)).ToArray();
}

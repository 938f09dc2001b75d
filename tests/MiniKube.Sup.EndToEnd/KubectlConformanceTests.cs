using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace MiniKube.Sup.EndToEnd;

/// <summary>kubectl v1.32 — a real client we did not write — against the daemon's loopback listener (https, bearer
/// token, via the kubeconfig the daemon writes).</summary>
public sealed class KubectlConformanceTests
{
    private const string Stack = """
        apiVersion: v1
        kind: Pod
        metadata:
          name: talker
        spec:
          terminationGracePeriodSeconds: 3
          containers:
            - name: app
              command: ["TESTAPP"]
              args: ["--print", "hello-1", "--print", "hello-2"]
        """;

    [Fact]
    public async Task Kubectl_gets_describes_logs_applies_watches_and_deletes()
    {
        await using var d = new SupDaemon(Stack);
        await d.StartAsync(listen: true);
        await d.WaitForPodAsync("talker");

        var (code, table, err) = await d.Kubectl("get", "pods");
        Assert.True(code == 0, err);
        Assert.Matches(@"NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE", table);
        Assert.Matches(@"talker\s+1/1\s+Running\s+0\s+\d+s", table);

        var (_, json, _) = await d.Kubectl("get", "pod", "talker", "-o", "json");
        using (var doc = JsonDocument.Parse(json))
        {
            Assert.Equal("Pod", doc.RootElement.GetProperty("kind").GetString());
            Assert.Equal("Running", doc.RootElement.GetProperty("status").GetProperty("phase").GetString());
        }

        var (_, describe, _) = await d.Kubectl("describe", "pod", "talker");
        Assert.Matches(@"Name:\s+talker", describe);
        Assert.Matches(@"Status:\s+Running", describe);
        Assert.Matches(@"Normal\s+Started\s+.*Started container app", describe);

        var (_, logs, _) = await d.Kubectl("logs", "talker");
        Assert.Equal("hello-1\nhello-2\n", logs);
        var (followCode, followed, _) = await SupDaemon.Run("timeout", ["2", "kubectl", "logs", "-f", "talker"], new() { ["KUBECONFIG"] = d.Kubeconfig });
        Assert.Equal(124, followCode); // still following when timeout stopped it
        Assert.StartsWith("hello-1\nhello-2\n", followed);

        var manifest = Path.Combine(d.Dir, "applied.yaml");
        File.WriteAllText(manifest, $"apiVersion: v1\nkind: Pod\nmetadata:\n  name: applied\nspec:\n  terminationGracePeriodSeconds: 3\n  containers:\n    - name: app\n      command: [\"{Binaries.TestApp}\"]\n");

        var watch = DotnetChildren.Start(new ProcessStartInfo("kubectl", ["get", "pods", "-w"])
        {
            RedirectStandardOutput = true, UseShellExecute = false, Environment = { ["KUBECONFIG"] = d.Kubeconfig },
        });
        var watched = new System.Collections.Concurrent.ConcurrentQueue<string>();
        watch.OutputDataReceived += (_, e) => { if (e.Data is not null) watched.Enqueue(e.Data); };
        watch.BeginOutputReadLine();
        try
        {
            await Poll.Until(() => watched.Any(l => l.StartsWith("talker", StringComparison.Ordinal)), "the initial list");
            var (applyCode, applied, applyErr) = await d.Kubectl("apply", "--validate=false", "-f", manifest);
            Assert.True(applyCode == 0, applyErr);
            Assert.Equal("pod/applied created\n", applied);
            await d.WaitForPodAsync("applied");
            await Poll.Until(() => watched.Any(l => Regex.IsMatch(l, @"^applied\s+1/1\s+Running")), "the watch to show the new pod running");

            var (deleteCode, deleted, deleteErr) = await d.Kubectl("delete", "pod", "applied");
            Assert.True(deleteCode == 0, deleteErr);
            Assert.Equal("pod \"applied\" deleted\n", deleted);
            Assert.Equal(1, (await d.Kubectl("get", "pod", "applied")).Code);
            await Poll.Until(() => watched.Any(l => Regex.IsMatch(l, @"^applied\s+\S+\s+Terminating")), "the watch to show Terminating");
        }
        finally
        {
            watch.Kill();
            await watch.WaitForExitAsync();
        }

        var (nf, _, notFound) = await d.Kubectl("get", "pod", "nope");
        Assert.Equal(1, nf);
        Assert.Contains("Error from server (NotFound): pods \"nope\" not found", notFound);

        // Without the token the listener refuses (kubectl would then prompt for a user name).
        using var anonymous = new HttpClient(new HttpClientHandler { ServerCertificateCustomValidationCallback = HttpClientHandler.DangerousAcceptAnyServerCertificateValidator });
        var refused = await anonymous.GetAsync($"https://127.0.0.1:{d.Port}/api/v1/namespaces/default/pods");
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Contains("\"reason\":\"Unauthorized\"", await refused.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Sup_logs_timestamps_and_since_print_what_kubectl_logs_prints()
    {
        await using var d = new SupDaemon(Stack);
        await d.StartAsync(listen: true);
        await Poll.Until(() => d.Sup("logs", "talker").GetAwaiter().GetResult().Out.Contains("hello-2"), "talker's lines", 30);
        string[][] asked =
        [
            ["logs", "talker", "--timestamps"],
            ["logs", "talker", "--since", "1h", "--timestamps"],
            ["logs", "talker", "--since-time", "2099-01-01T00:00:00Z"],
            ["logs", "talker", "--tail", "1", "--timestamps"],
        ];
        foreach (var args in asked)
        {
            var kubectl = await d.Kubectl(args);
            var sup = await d.Sup(args);
            Assert.True(kubectl.Code == 0, kubectl.Err);
            Assert.Equal((0, kubectl.Out), (sup.Code, sup.Out));
        }
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z hello-1\n", (await d.Sup("logs", "talker", "--timestamps")).Out);
        Assert.Equal("", (await d.Sup("logs", "talker", "--since-time", "2099-01-01T00:00:00Z")).Out);
    }

    [Fact]
    public async Task Sup_get_jsonpath_and_custom_columns_print_what_kubectl_prints_for_the_same_template()
    {
        await using var d = new SupDaemon(Stack + """

            ---
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: settings
              labels: {tier: web}
            data: {mode: demo, level: "3"}
            """);
        await d.StartAsync(listen: true);
        await d.WaitForPodAsync("talker");
        string[][] outputs =
        [
            ["get", "pods", "-o", "jsonpath={.items[*].metadata.name}"],
            ["get", "pod", "talker", "-o", "jsonpath={.status.podIP} {.status.conditions[?(@.type==\"Ready\")].status}"],
            ["get", "pods", "-o", "jsonpath={range .items[*]}{.metadata.name}{\"\\t\"}{.spec.containers[0].name}{\"\\n\"}{end}"],
            ["get", "cm", "settings", "-o", "jsonpath={.data}"],
            ["get", "cm", "-o", "custom-columns=NAME:.metadata.name,TIER:.metadata.labels.tier,MODE:.data.mode"],
        ];
        foreach (var args in outputs)
        {
            var kubectl = await d.Kubectl(args);
            var sup = await d.Sup(args);
            Assert.True(kubectl.Code == 0, kubectl.Err);
            Assert.Equal((0, kubectl.Out), (sup.Code, sup.Out));
        }
    }
}

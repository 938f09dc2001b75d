using System.Globalization;
using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace MiniKube.Sup.EndToEnd.Metrics;

/// <summary>/metrics scraped from a running daemon (the Unix socket, and kubectl over the token-protected
/// listener), and kubectl top pod (real kubectl v1.32) against metrics.k8s.io, agreeing with sup top --pods.</summary>
public sealed class MetricsTests
{
    private const string Stack = """
        apiVersion: v1
        kind: Pod
        metadata:
          name: hog
          labels: {app: hog}
        spec:
          terminationGracePeriodSeconds: 2
          containers:
            - name: app
              command: ["TESTAPP"]
              args: ["--allocate", "64"]
              readinessProbe:
                exec: {command: ["true"]}
                periodSeconds: 1
        ---
        apiVersion: v1
        kind: Pod
        metadata:
          name: crasher
        spec:
          containers:
            - name: app
              command: ["TESTAPP"]
              args: ["--exit", "3"]
        ---
        apiVersion: batch/v1
        kind: Job
        metadata:
          name: once
        spec:
          template:
            spec:
              restartPolicy: Never
              containers:
                - name: app
                  command: ["TESTAPP"]
                  args: ["--print", "done", "--exit", "0"]
        ---
        apiVersion: batch/v1
        kind: CronJob
        metadata:
          name: tick
        spec:
          schedule: "@every 2s"
          jobTemplate:
            spec:
              template:
                spec:
                  restartPolicy: Never
                  containers:
                    - name: app
                      command: ["TESTAPP"]
                      args: ["--print", "tick", "--exit", "0"]
        """;

    [Fact]
    public async Task Metrics_show_pods_restarts_probes_jobs_cronjobs_and_the_daemon_itself()
    {
        await using var d = new SupDaemon(Stack);
        await d.StartAsync(listen: true);
        await d.WaitForPodAsync("hog");

        string scrape = "";
        await Poll.Until(() =>
        {
            scrape = ScrapeOverSocket(d).GetAwaiter().GetResult();
            return Series(scrape, "kube_pod_container_status_restarts_total", "pod=\"crasher\"") >= 1
                && Series(scrape, "kube_job_status_succeeded", "job_name=\"once\"") == 1
                && scrape.Contains("kube_cronjob_status_last_schedule_time{namespace=\"default\",cronjob=\"tick\"}", StringComparison.Ordinal)
                && scrape.Contains("sup_cronjob_schedule_lateness_seconds_count{namespace=\"default\",cronjob=\"tick\"}", StringComparison.Ordinal)
                && scrape.Contains("sup_job_duration_seconds_count{namespace=\"default\",condition=\"Complete\"}", StringComparison.Ordinal)
                && Series(scrape, "sup_probe_total", "pod=\"hog\"", "result=\"successful\"") >= 1
                && Series(scrape, "kube_pod_status_ready", "pod=\"hog\"", "condition=\"true\"") == 1;
        }, "the pods', Job's, CronJob's and probes' series", 60);

        Assert.Contains("# TYPE kube_pod_status_phase gauge", scrape);
        Assert.Contains("# TYPE kube_pod_container_status_restarts_total counter", scrape);
        Assert.Contains("# TYPE sup_probe_duration_seconds histogram", scrape);
        Assert.Equal(1, Series(scrape, "kube_pod_status_phase", "pod=\"hog\"", "phase=\"Running\""));
        Assert.Equal(0, Series(scrape, "kube_pod_status_phase", "pod=\"hog\"", "phase=\"Pending\""));
        Assert.Equal(1, Series(scrape, "kube_job_complete", "job_name=\"once\"", "condition=\"true\""));
        Assert.Contains("sup_probe_duration_seconds_bucket{namespace=\"default\",pod=\"hog\",container=\"app\",probe_type=\"Readiness\",le=\"+Inf\"}", scrape);
        Assert.True(Series(scrape, "process_resident_memory_bytes") > 1024 * 1024);
        Assert.True(Series(scrape, "process_open_fds") > 0);
        Assert.True(Series(scrape, "process_start_time_seconds") > 1_600_000_000);

        // The same endpoint over the token-protected listener, as kubectl reaches it.
        var (code, viaKubectl, err) = await d.Kubectl("get", "--raw", "/metrics");
        Assert.True(code == 0, err);
        Assert.Contains("kube_pod_info{namespace=\"default\",pod=\"hog\"", viaKubectl);

        // A deleted pod's series go, its probe counters included.
        var (deleted, _, deleteErr) = await d.Kubectl("delete", "pod", "hog", "--wait=true");
        Assert.True(deleted == 0, deleteErr);
        await Poll.Until(() => !ScrapeOverSocket(d).GetAwaiter().GetResult().Contains("pod=\"hog\"", StringComparison.Ordinal), "hog's series to go", 30);
    }

    [Fact]
    public async Task Kubectl_top_pod_lists_running_pods_with_their_memory_and_agrees_with_sup_top()
    {
        await using var d = new SupDaemon(Stack);
        await d.StartAsync(listen: true);
        await d.WaitForPodAsync("hog");
        await Poll.Until(() => d.Sup("logs", "hog").GetAwaiter().GetResult().Out.Contains("allocated all 64 MiB", StringComparison.Ordinal), "hog's allocation", 30);

        var (code, top, err) = await d.Kubectl("top", "pod");
        Assert.True(code == 0, err);
        Assert.Matches(@"NAME\s+CPU\(cores\)\s+MEMORY\(bytes\)", top);
        var kubectlMemory = MemoryMi(top, "hog");
        Assert.True(kubectlMemory >= 64, top);

        var (allCode, all, allErr) = await d.Kubectl("top", "pod", "-A");
        Assert.True(allCode == 0, allErr);
        Assert.Matches(@"default\s+hog\s+\d+m\s+\d+Mi", all);

        var (oneCode, one, oneErr) = await d.Kubectl("top", "pod", "-l", "app=hog", "--containers");
        Assert.True(oneCode == 0, oneErr);
        Assert.Matches(@"hog\s+app\s+\d+m\s+\d+Mi", one);

        // sup top --pods reads the same figures: the memory of a pod that allocated once and then idles is the same.
        var (supCode, sup, supErr) = await d.Sup("top", "--pods", "--once");
        Assert.True(supCode == 0, supErr);
        var supMemory = MemoryMi(sup, "hog");
        Assert.InRange(supMemory, kubectlMemory - 2, kubectlMemory + 2);
    }

    private static int MemoryMi(string table, string pod)
    {
        var m = Regex.Match(table, $@"(?m)^(?:\S+\s+)?{pod}\s+\d+m\s+(\d+)Mi");
        Assert.True(m.Success, table);
        return int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
    }

    /// <summary>The value of the first series of <paramref name="family"/> whose labels hold every one given; NaN if none.</summary>
    private static double Series(string scrape, string family, params string[] labels)
    {
        foreach (var line in scrape.Split('\n'))
        {
            if (!line.StartsWith(family + "{", StringComparison.Ordinal) && !line.StartsWith(family + " ", StringComparison.Ordinal)) continue;
            if (!labels.All(l => line.Contains(l, StringComparison.Ordinal))) continue;
            return double.Parse(line[(line.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture);
        }
        return double.NaN;
    }

    private static async Task<string> ScrapeOverSocket(SupDaemon d)
    {
        using var http = new HttpClient(new SocketsHttpHandler
        {
            ConnectCallback = async (_, cancel) =>
            {
                var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                await socket.ConnectAsync(new UnixDomainSocketEndPoint(Path.Combine(d.StateDir, "sup.sock")), cancel);
                return new NetworkStream(socket, ownsSocket: true);
            },
        }) { BaseAddress = new Uri("http://sup/") };
        using var response = await http.GetAsync("/metrics");
        Assert.Equal("text/plain; version=0.0.4; charset=utf-8", response.Content.Headers.ContentType?.ToString());
        return await response.Content.ReadAsStringAsync();
    }
}

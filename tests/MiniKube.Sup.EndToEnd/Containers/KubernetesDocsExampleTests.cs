using System.Text.Json;
using static MiniKube.Sup.EndToEnd.Containers.ImagePods;

namespace MiniKube.Sup.EndToEnd.Containers;

/// <summary>
/// The busybox- and nginx-based examples of the Kubernetes documentation (examples/kubernetes-docs/, as published in
/// kubernetes/website's content/en/examples/), run unchanged by a real `sup run` under a real engine (podman:
/// <see cref="PodmanKubernetesDocsExampleTests"/>; docker: <see cref="DockerKubernetesDocsExampleTests"/>) with the
/// images built here, each checked against what its documentation page says should happen, on the page's own clock.
/// </summary>
public abstract class KubernetesDocsExampleTests(TestEngine engine)
{
    private Task<SupDaemon> StartAsync(string manifest) => ImagePods.StartAsync(manifest, engine.DaemonArguments);

    private static string Example(string path) =>
        File.ReadAllText(Path.Combine(Binaries.Tests, "..", "examples", "kubernetes-docs", path));

    private static async Task<string> EventsAsync(SupDaemon d) => (await d.Sup("events")).Out;

    /// <summary>Its page: no failed probe in the first 30 s; then `cat /tmp/healthy` fails, the events say so, and
    /// the container is killed and restarted.</summary>
    [Fact]
    public async Task Exec_liveness_restarts_the_container_once_its_file_is_gone()
    {
        await using var d = await StartAsync(Example("pods/probe/exec-liveness.yaml"));
        await UntilAsync(async () => Field(await ContainerStatusAsync(d, "liveness-exec", "liveness"), "state", "running") is not null, "running", 60);
        var started = DateTime.UtcNow;

        await UntilAsync(async () => Field(await ContainerStatusAsync(d, "liveness-exec", "liveness"), "restartCount") == "1", "restarted by its liveness probe", 90);
        Assert.True(DateTime.UtcNow - started > TimeSpan.FromSeconds(30), "restarted before the file was removed");
        var events = await EventsAsync(d);
        Assert.Contains("Liveness probe failed: cat: can't open '/tmp/healthy': No such file or directory", events);
        Assert.Contains("Container liveness failed liveness probe, will be restarted", events);
    }

    /// <summary>Its page: the server answers /healthz 200 for 10 s, then 500; the kubelet's probe (every 3 s, with
    /// its custom header, on a port the pod does not declare) fails and the container is restarted.</summary>
    [Fact]
    public async Task Http_liveness_restarts_the_container_when_healthz_turns_to_500()
    {
        await using var d = await StartAsync(Example("pods/probe/http-liveness.yaml"));

        await UntilAsync(async () => Field(await ContainerStatusAsync(d, "liveness-http", "liveness"), "restartCount") == "1", "restarted by its liveness probe", 90);
        var events = await EventsAsync(d);
        Assert.Contains("Liveness probe failed: HTTP probe failed with statuscode: 500", events);
        Assert.Contains("Container liveness failed liveness probe, will be restarted", events);
    }

    /// <summary>Its page: a reference to a variable defined later is left as written, one to an earlier one is
    /// expanded, and <c>$$</c> escapes a reference.</summary>
    [Fact]
    public async Task Dependent_environment_variables_expand_as_the_page_shows()
    {
        await using var d = await StartAsync(Example("pods/inject/dependent-envars.yaml"));

        await UntilAsync(async () => (await LogsAsync(d, "dependent-envars-demo")).Contains("ESCAPED_REFERENCE="), "the variables printed", 60);
        var lines = (await LogsAsync(d, "dependent-envars-demo")).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Contains("UNCHANGED_REFERENCE=$(PROTOCOL)://172.17.0.1:80", lines);
        Assert.Contains("SERVICE_ADDRESS=https://172.17.0.1:80", lines);
        Assert.Contains("ESCAPED_REFERENCE=$(PROTOCOL)://172.17.0.1:80", lines);
    }

    /// <summary>Its page (Expose Pod Information through Files): the container prints the files of its downwardAPI
    /// volume, the pod's labels and annotations as <c>key="value"</c> lines.</summary>
    [Fact]
    public async Task The_downward_api_volume_shows_the_pods_labels_and_annotations_as_files()
    {
        await using var d = await StartAsync(Example("pods/inject/dapi-volume.yaml"));

        await UntilAsync(async () => (await LogsAsync(d, "kubernetes-downwardapi-volume-example")).Contains("builder=\"john-doe\""), "the annotations printed", 60);
        var logs = await LogsAsync(d, "kubernetes-downwardapi-volume-example");
        Assert.Contains("cluster=\"test-cluster1\"\nrack=\"rack-22\"\nzone=\"us-est-coast\"", logs);
        Assert.Contains("build=\"two\"\nbuilder=\"john-doe\"", logs);
    }

    /// <summary>pods/commands.yaml (Define a Command and Arguments for a Container) runs `printenv HOSTNAME
    /// KUBERNETES_PORT`, which fails unless both are set; its image is debian, which is not built here, so the same
    /// pod runs busybox's printenv, and a host pod runs the host's: both print the pod's hostname and the API's
    /// address as a cluster's kubernetes Service gives it, and succeed.</summary>
    [Fact]
    public async Task Printenv_HOSTNAME_KUBERNETES_PORT_succeeds_in_an_image_pod_and_a_host_pod()
    {
        await using var d = await StartAsync("""
            apiVersion: v1
            kind: Pod
            metadata: {name: command-demo, labels: {purpose: demonstrate-command}}
            spec:
              containers:
              - name: command-demo-container
                image: busybox
                command: ["printenv"]
                args: ["HOSTNAME", "KUBERNETES_PORT"]
              restartPolicy: OnFailure
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: host-command-demo}
            spec:
              containers:
              - name: command-demo-container
                command: ["printenv"]
                args: ["HOSTNAME", "KUBERNETES_PORT"]
              restartPolicy: OnFailure
            """);

        await d.WaitForPodAsync("command-demo", "Succeeded", 60);
        await d.WaitForPodAsync("host-command-demo", "Succeeded", 60);
        Assert.Equal("command-demo\ntcp://127.253.0.1:443\n", await LogsAsync(d, "command-demo"));
        var host = (await LogsAsync(d, "host-command-demo")).Split('\n');
        Assert.Equal("host-command-demo", host[0]);
        Assert.Matches(@"^tcp://127\.0\.0\.1:\d+$", host[1]);
    }

    /// <summary>Its page: every minute a Job <c>hello-&lt;scheduled time in minutes&gt;</c> whose pod prints the date
    /// and the greeting, then completes.</summary>
    [Fact]
    public async Task The_cron_job_runs_a_job_every_minute_that_says_hello_and_completes()
    {
        await using var d = await StartAsync(Example("application/job/cronjob.yaml"));

        string? job = null;
        await UntilAsync(async () =>
        {
            var (_, output, _) = await d.Sup("get", "jobs", "-o", "json");
            foreach (var j in JsonDocument.Parse(output).RootElement.GetProperty("items").EnumerateArray())
                if (Field(j, "status", "succeeded") == "1") job = Field(j, "metadata", "name");
            return job is not null;
        }, "a completed Job", 130);
        var minutes = long.Parse(job!["hello-".Length..], System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(0, DateTimeOffset.FromUnixTimeSeconds(minutes * 60).Second);
        Assert.Contains("Hello from the Kubernetes cluster", (await LogsAsync(d, $"job/{job}")));
    }

    /// <summary>Its page: three ready nginx replicas of one ReplicaSet, each serving on port 80 of its pod IP;
    /// `kubectl set image` rolls them to nginx:1.16.1; the page's typo nginx:1.161 exists nowhere, so the new pod
    /// waits in ErrImagePull/ImagePullBackOff and the rollout stalls with the old replicas serving; `kubectl rollout
    /// undo` goes back.</summary>
    [Fact]
    public async Task The_nginx_deployment_runs_three_replicas_rolls_to_a_new_image_and_a_typo_stalls_until_undone()
    {
        var d = new SupDaemon(Example("controllers/nginx-deployment.yaml"));
        await using var _ = d;
        await d.StartAsync(listen: true, extra: engine.DaemonArguments);
        Assert.Equal(0, (await d.Sup("rollout", "status", "deployment/nginx-deployment", "--timeout", "90s")).Code);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var pods = await PodsAsync(d);
        Assert.Equal(3, pods.Length);
        Assert.Single(pods.Select(p => Field(p, "metadata", "ownerReferences")).Distinct());
        foreach (var pod in pods)
            Assert.Contains("Welcome to nginx!", await http.GetStringAsync($"http://{Field(pod, "status", "podIP")}:80/"));

        var (setCode, _, setErr) = await d.Kubectl("set", "image", "deployment/nginx-deployment", "nginx=nginx:1.16.1");
        Assert.True(setCode == 0, setErr);
        var (rolled, _, rollErr) = await d.Sup("rollout", "status", "deployment/nginx-deployment", "--timeout", "90s");
        Assert.True(rolled == 0, rollErr);
        Assert.All(await PodsAsync(d), p => Assert.Contains("nginx:1.16.1", Field(p, "spec", "containers")));

        Assert.Equal(0, (await d.Kubectl("set", "image", "deployment/nginx-deployment", "nginx=nginx:1.161")).Code);
        await UntilAsync(async () => (await PodsAsync(d)).Any(p => Field(p, "status", "containerStatuses")?.Contains("ImagePullBackOff") == true),
            "the typo's pod in ImagePullBackOff", 90);
        Assert.Equal(3, (await PodsAsync(d)).Count(p => Field(p, "spec", "containers")!.Contains("nginx:1.16.1") && Ready(p)));

        var (undo, _, undoErr) = await d.Kubectl("rollout", "undo", "deployment/nginx-deployment");
        Assert.True(undo == 0, undoErr);
        Assert.Equal(0, (await d.Sup("rollout", "status", "deployment/nginx-deployment", "--timeout", "90s")).Code);
        await UntilAsync(async () => (await PodsAsync(d)) is { Length: 3 } all && all.All(p => Field(p, "spec", "containers")!.Contains("nginx:1.16.1")),
            "three replicas of nginx:1.16.1 again", 60);
        Assert.Equal(0, await d.StopAsync());
    }

    private static bool Ready(JsonElement pod) =>
        pod.GetProperty("status").TryGetProperty("containerStatuses", out var s) && s[0].GetProperty("ready").GetBoolean();

    private static async Task<JsonElement[]> PodsAsync(SupDaemon d)
    {
        var (code, output, err) = await d.Sup("get", "pods", "-l", "app=nginx", "-o", "json");
        Assert.True(code == 0, err);
        return [.. JsonDocument.Parse(output).RootElement.GetProperty("items").EnumerateArray()
            .Where(p => Field(p, "metadata", "deletionTimestamp") is null).Select(e => e.Clone())];
    }
}

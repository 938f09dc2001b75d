using System.Text.Json;
using static MiniKube.Sup.EndToEnd.Containers.ImagePods;

namespace MiniKube.Sup.EndToEnd.Containers;

/// <summary>Workloads (Deployments, StatefulSets) whose pods run images under a real engine (podman:
/// <see cref="PodmanImageWorkloadTests"/>; docker: <see cref="DockerImageWorkloadTests"/>), behind Services reached
/// from the host at their loopback clusterIP. Every daemon's dispose asserts nothing of it is left.</summary>
public abstract class ImageWorkloadTests(TestEngine engine)
{
    private Task<SupDaemon> StartAsync(string manifest) => ImagePods.StartAsync(manifest, engine.DaemonArguments);

    private static async Task<JsonElement[]> PodsAsync(SupDaemon d, string selector)
    {
        var (code, output, err) = await d.Sup("get", "pods", "-l", selector, "-o", "json");
        Assert.True(code == 0, err);
        return [.. JsonDocument.Parse(output).RootElement.GetProperty("items").EnumerateArray().Select(e => e.Clone())];
    }

    private static string Name(JsonElement pod) => Field(pod, "metadata", "name")!;

    private static async Task<bool> ReadyAsync(SupDaemon d, string pod) =>
        Field(await ContainerStatusAsync(d, pod, "server"), "ready") == "True";

    /// <summary>The pods the Service's Endpoints list as ready addresses.</summary>
    private static async Task<string[]> ReadyEndpointsAsync(SupDaemon d, string service)
    {
        var (_, output, _) = await d.Sup("get", "endpoints", service, "-o", "json");
        if (!JsonDocument.Parse(output).RootElement.TryGetProperty("subsets", out var subsets)) return [];
        return [.. subsets.EnumerateArray()
            .SelectMany(s => s.TryGetProperty("addresses", out var a) ? a.EnumerateArray().ToArray() : [])
            .Select(a => Field(a, "targetRef", "name")!)];
    }

    /// <summary>GET the Service's clusterIP: the body trimmed, or null when the request failed.</summary>
    private static async Task<string?> AskAsync(HttpClient http, string url)
    {
        try { return (await http.GetStringAsync(url)).Trim(); }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException) { return null; }
    }

    /// <summary>Readiness decides endpoints only: a replica whose readiness probe fails gets no more Service traffic
    /// but is not restarted, and takes traffic again once it passes. The cue that makes a replica fail its probe is a
    /// file named after it in a hostPath directory the test writes.</summary>
    [Fact]
    public async Task Readiness_takes_an_image_replica_out_of_its_Service_without_restarting_it()
    {
        var cue = Directory.CreateTempSubdirectory("sup-cue-").FullName;
        try
        {
            await using var d = await StartAsync("""
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: web}
                spec:
                  replicas: 2
                  selector: {matchLabels: {app: web}}
                  template:
                    metadata: {labels: {app: web}}
                    spec:
                      terminationGracePeriodSeconds: 2
                      volumes: [{name: cue, hostPath: {path: CUEDIR, type: Directory}}]
                      containers:
                        - name: server
                          image: busybox
                          env: [{name: POD_NAME, valueFrom: {fieldRef: {fieldPath: metadata.name}}}]
                          volumeMounts: [{name: cue, mountPath: /cue, readOnly: true}]
                          command:
                            - sh
                            - -c
                            - |
                              mkdir -p /www && hostname > /www/index.html && touch /www/ready
                              httpd -f -p 8080 -h /www &
                              trap 'exit 0' TERM
                              while true; do
                                if [ -e /cue/$POD_NAME ]; then rm -f /www/ready; else touch /www/ready; fi
                                sleep 0.2
                              done
                          readinessProbe:
                            httpGet: {path: /ready, port: 8080}
                            periodSeconds: 1
                            failureThreshold: 1
                ---
                apiVersion: v1
                kind: Service
                metadata: {name: web}
                spec:
                  selector: {app: web}
                  clusterIP: 127.0.0.11
                  ports: [{port: 80, targetPort: 8080}]
                """.Replace("CUEDIR", cue));
            var (code, _, err) = await d.Sup("rollout", "status", "deployment/web", "--timeout", "60s");
            Assert.True(code == 0, err);
            var pods = (await PodsAsync(d, "app=web")).Select(Name).ToArray();
            Assert.Equal(2, pods.Length);
            var (victim, other) = (pods[0], pods[1]);

            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
            const string Url = "http://127.0.0.11:80/";
            var seen = new HashSet<string?>();
            for (var i = 0; i < 40 && seen.Count < 2; i++) seen.Add(await AskAsync(http, Url));
            Assert.Equal(new HashSet<string?> { victim, other }, seen); // both replicas serve, each its own hostname

            await File.WriteAllTextAsync(Path.Combine(cue, victim), "");
            await UntilAsync(async () => !await ReadyAsync(d, victim), $"{victim} not ready", 30);
            await UntilAsync(async () => (await ReadyEndpointsAsync(d, "web")).SequenceEqual([other]), $"{victim} out of the endpoints", 30);
            var answers = new List<string?>();
            for (var i = 0; i < 60; i++) answers.Add(await AskAsync(http, Url));
            Assert.All(answers, a => Assert.Equal(other, a)); // every request answered, none by the unready replica
            Assert.Equal("0", Field(await ContainerStatusAsync(d, victim, "server"), "restartCount"));
            Assert.Equal("Running", Field(await PodAsync(d, victim), "status", "phase"));

            File.Delete(Path.Combine(cue, victim));
            await UntilAsync(async () => await ReadyAsync(d, victim), $"{victim} ready again", 30);
            await UntilAsync(async () => await AskAsync(http, Url) == victim, $"{victim} back behind the Service", 30);
            Assert.Equal("0", Field(await ContainerStatusAsync(d, victim, "server"), "restartCount"));
            Assert.Equal(0, await d.StopAsync());
        }
        finally { Directory.Delete(cue, recursive: true); }
    }

    private const string Versioned = """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: web}
        spec:
          replicas: 3
          selector: {matchLabels: {app: web}}
          template:
            metadata: {labels: {app: web}}
            spec:
              terminationGracePeriodSeconds: 5
              containers:
                - name: server
                  image: TAG
                  env: [{name: IMAGE, value: TAG}]
                  # Keeps serving a second after SIGTERM: its endpoint is gone by then, as a preStop sleep would do.
                  command:
                    - sh
                    - -c
                    - |
                      mkdir -p /www && echo "$IMAGE $(hostname)" > /www/index.html
                      httpd -f -p 8080 -h /www &
                      pid=$!
                      trap 'sleep 1; kill $pid; exit 0' TERM
                      wait
                  readinessProbe:
                    httpGet: {path: /, port: 8080}
                    periodSeconds: 1
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: web}
        spec:
          selector: {app: web}
          clusterIP: 127.0.0.12
          ports: [{port: 80, targetPort: 8080}]
        """;

    /// <summary>The default RollingUpdate of 3 replicas (maxSurge 1, maxUnavailable 0) replaces every pod with one of
    /// the new image while the Service keeps answering.</summary>
    [Fact]
    public async Task A_Deployment_of_three_image_replicas_rolls_to_a_new_image()
    {
        await using var d = await StartAsync(Versioned.Replace("TAG", "busybox:1.28"));
        var (code, _, err) = await d.Sup("rollout", "status", "deployment/web", "--timeout", "60s");
        Assert.True(code == 0, err);
        var old = (await PodsAsync(d, "app=web")).Select(Name).ToHashSet();
        Assert.Equal(3, old.Count);

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var answers = new List<string?>();
        using var stop = new CancellationTokenSource();
        var asking = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                answers.Add(await AskAsync(http, "http://127.0.0.12:80/"));
                await Task.Delay(50);
            }
        });

        var next = Path.Combine(d.Dir, "next.yaml");
        await File.WriteAllTextAsync(next, Versioned.Replace("TAG", "busybox"));
        var (applied, _, applyErr) = await d.Sup("apply", "-f", next);
        Assert.True(applied == 0, applyErr);
        (code, _, err) = await d.Sup("rollout", "status", "deployment/web", "--timeout", "90s");
        Assert.True(code == 0, err);
        await UntilAsync(async () => (await PodsAsync(d, "app=web")).Length == 3, "the old replicas gone", 60);
        await stop.CancelAsync();
        await asking;

        var pods = await PodsAsync(d, "app=web");
        Assert.All(pods, p =>
        {
            Assert.DoesNotContain(Name(p), old);
            Assert.Equal("busybox", p.GetProperty("spec").GetProperty("containers")[0].GetProperty("image").GetString());
        });
        Assert.DoesNotContain(null, answers); // the Service answered every request during the rollout
        Assert.Contains(answers, a => a!.StartsWith("busybox:1.28 "));
        Assert.All(pods, p => Assert.Contains($"busybox {Name(p)}", answers));
        Assert.Equal(0, await d.StopAsync());
    }

    /// <summary>A StatefulSet's claim is a directory under the daemon's state: the pod started again by the next
    /// daemon on the same state mounts the same data.</summary>
    [Fact]
    public async Task A_StatefulSet_claim_survives_a_daemon_restart()
    {
        await using var d = await StartAsync("""
            apiVersion: apps/v1
            kind: StatefulSet
            metadata: {name: db}
            spec:
              serviceName: db
              replicas: 1
              selector: {matchLabels: {app: db}}
              template:
                metadata: {labels: {app: db}}
                spec:
                  terminationGracePeriodSeconds: 1
                  containers:
                    - name: db
                      image: busybox
                      command: ["sh", "-c", "echo boot >> /data/boots; echo boots: $(wc -l < /data/boots); exec sleep 3600"]
                      volumeMounts: [{name: data, mountPath: /data}]
              volumeClaimTemplates:
                - metadata: {name: data}
                  spec:
                    accessModes: [ReadWriteOnce]
                    resources: {requests: {storage: 1Mi}}
            """);
        await UntilAsync(async () => (await LogsAsync(d, "db-0")).Contains("boots: 1\n"), "the first boot written", 60);
        Assert.Equal(0, await d.StopAsync());

        await d.StartAsync(extra: engine.DaemonArguments);
        await UntilAsync(async () => (await LogsAsync(d, "db-0")).Contains("boots: 2\n"), "the second boot appended to the same claim", 60);
        Assert.DoesNotContain("boots: 3", await LogsAsync(d, "db-0"));
        Assert.Equal("0", Field(await ContainerStatusAsync(d, "db-0", "db"), "restartCount"));
        Assert.Equal(0, await d.StopAsync());
    }
}

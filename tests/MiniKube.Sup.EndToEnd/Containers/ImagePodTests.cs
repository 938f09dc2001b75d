using System.Net;
using System.Text.Json;
using MiniKube.Sup.Processes;
using MiniKube.Sup.Runtime.Engine;
using MiniKube.Sup.Spec;
using static MiniKube.Sup.EndToEnd.Containers.ImagePods;

namespace MiniKube.Sup.EndToEnd.Containers;

/// <summary>Pods whose containers have an image, run by a real `sup run` under a real engine (podman:
/// <see cref="PodmanImagePodTests"/>; docker: <see cref="DockerImagePodTests"/>), with the busybox image built on this
/// machine. Every daemon's dispose asserts nothing of it is left: no process, no engine container or pod with its
/// label.</summary>
public abstract class ImagePodTests(TestEngine engine)
{
    private Task<SupDaemon> StartAsync(string manifest) => ImagePods.StartAsync(manifest, engine.DaemonArguments);

    [Fact]
    public async Task An_image_pod_runs_logs_publishes_its_port_and_its_containers_reach_each_other_over_localhost()
    {
        await using var d = await StartAsync("""
            apiVersion: v1
            kind: Pod
            metadata: {name: web}
            spec:
              terminationGracePeriodSeconds: 2
              containers:
                - name: server
                  image: busybox
                  command: ["sh", "-c", "mkdir -p /www && echo served-by-$(POD_NAME) > /www/index.html && echo started && exec httpd -f -p 8080 -h /www"]
                  env: [{name: POD_NAME, valueFrom: {fieldRef: {fieldPath: metadata.name}}}]
                  ports: [{containerPort: 8080}]
                - name: client
                  image: busybox
                  command: ["sh", "-c", "until wget -q -O- http://127.0.0.1:8080/; do sleep 0.2; done; echo error-line >&2; exec sleep 3600"]
            """);
        await d.WaitForPodAsync("web");
        await UntilAsync(async () => (await LogsAsync(d, "web", "-c", "client")).Contains("served-by-web"), "the client reached the server over localhost");
        Assert.Contains("error-line", await LogsAsync(d, "web", "-c", "client")); // stderr goes to the log too
        Assert.Equal("started\n", await LogsAsync(d, "web", "-c", "server"));

        // The containerPort is published on the pod's own loopback address, as a host pod's port would be.
        var ip = Field(await PodAsync(d, "web"), "status", "podIP")!;
        // A loopback address of this daemon's block (127.0.x.y when it is alone on the host), never the host's 127.0.0.x.
        Assert.Matches(@"^127\.\d+\.\d+\.\d+$", ip);
        Assert.False(ip.StartsWith("127.0.0.", StringComparison.Ordinal), ip);
        using var http = new HttpClient();
        string served;
        try { served = await http.GetStringAsync($"http://{ip}:8080/"); }
        catch (HttpRequestException e) { throw new HttpRequestException(e.Message + await engine.NetworkReportAsync(null, ip, 8080), e); }
        Assert.Equal("served-by-web\n", served);

        // sup ps shows each container's processes by host pid.
        var (_, ps, _) = await d.Sup("ps", "web");
        Assert.Contains("httpd -f -p 8080", ps);
        Assert.Contains("sleep 3600", ps);
        Assert.StartsWith($"{engine.Name}://", Field(await ContainerStatusAsync(d, "web", "server"), "containerID"));
        Assert.Equal(0, await d.StopAsync());
    }

    /// <summary>kubectl port-forward and sup port-forward reach an image pod's containerPort, which is published on
    /// the pod's IP as a host pod's port would be; kubectl reaches it through a Service in front of it too.</summary>
    [Fact]
    public async Task Port_forward_with_kubectl_and_sup_reaches_an_image_pods_port_and_a_service_in_front_of_it()
    {
        await using var d = await StartAsync("""
            apiVersion: v1
            kind: Service
            metadata: {name: front}
            spec:
              selector: {app: web}
              ports: [{port: 80, targetPort: 8080}]
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: web, labels: {app: web}}
            spec:
              terminationGracePeriodSeconds: 2
              containers:
                - name: server
                  image: busybox
                  command: ["sh", "-c", "mkdir -p /www && echo served-by-web > /www/index.html && exec httpd -f -p 8080 -h /www"]
                  ports: [{containerPort: 8080}]
            """);
        await d.WaitForPodAsync("web");
        var ip = Field(await PodAsync(d, "web"), "status", "podIP")!;
        using var http = new HttpClient();
        try
        {
            await UntilAsync(async () =>
            {
                try { return await http.GetStringAsync($"http://{ip}:8080/") == "served-by-web\n"; }
                catch (HttpRequestException) { return false; }
            }, "the server to answer on the pod IP");
        }
        catch (TimeoutException e) { throw new TimeoutException(e.Message + await engine.NetworkReportAsync(null, ip, 8080), e); }

        await using (var kubectl = PortForwarder.Start("kubectl", ["port-forward", "pod/web", ":8080"], new() { ["KUBECONFIG"] = d.Kubeconfig }))
        {
            var ports = await kubectl.ForwardingAsync(8080);
            Assert.Equal("200 served-by-web\n", await KubectlPortForwardTests.GetAsync(ports[0], "/"));
        }
        // kubectl resolves svc/front to the pod and the Service's port 80 to its targetPort itself.
        await using (var service = PortForwarder.Start("kubectl", ["port-forward", "svc/front", ":80"], new() { ["KUBECONFIG"] = d.Kubeconfig }))
        {
            var ports = await service.ForwardingAsync(8080);
            Assert.Equal("200 served-by-web\n", await KubectlPortForwardTests.GetAsync(ports[0], "/"));
        }
        await using (var sup = PortForwarder.Start(Binaries.Sup, ["port-forward", "web", ":8080", "--state-dir", d.StateDir], []))
        {
            var ports = await sup.ForwardingAsync(8080);
            Assert.Equal("200 served-by-web\n", await KubectlPortForwardTests.GetAsync(ports[0], "/"));
        }
        Assert.Equal(0, await d.StopAsync());
    }

    [Fact]
    public async Task Kubectl_exec_runs_inside_the_image_container_and_attach_follows_its_output()
    {
        var d = new SupDaemon("""
            apiVersion: v1
            kind: Pod
            metadata: {name: shell}
            spec:
              terminationGracePeriodSeconds: 2
              containers:
                - name: app
                  image: busybox
                  env: [{name: GREETING, value: hello-from-image}]
                  stdin: true
                  command: ["sh", "-c", "i=0; while true; do echo tick $i; echo tock $i >&2; i=$((i+1)); sleep 0.2; done"]
            """);
        await using (d)
        {
            await d.StartAsync(listen: true, extra: engine.DaemonArguments);
            await d.WaitForPodAsync("shell", seconds: 60);
            var kubeconfig = new Dictionary<string, string> { ["KUBECONFIG"] = d.Kubeconfig };

            // Inside the container: its hostname (the pod's), its environment, its exit code.
            var (code, output, err) = await d.Kubectl("exec", "shell", "--", "sh", "-c", "hostname; echo $GREETING; echo oops >&2; exit 3");
            Assert.Equal(3, code);
            Assert.Equal("shell\nhello-from-image\n", output);
            Assert.Contains("oops", err);
            var (piped, echoed, _) = await SupDaemon.Run("sh", ["-c", "printf 'in the image\\n' | kubectl exec -i shell -- cat"], kubeconfig);
            Assert.Equal((0, "in the image\n"), (piped, echoed));
            var (tty, terminal, _) = await SupDaemon.Run("script", ["-qec", "stty cols 90 rows 20; kubectl exec -it shell -- sh -c 'stty size; exit 2'", "/dev/null"], kubeconfig);
            Assert.Equal(2, tty);
            Assert.Contains("20 90", terminal);

            // attach: the engine tells stdout and stderr apart, and kubectl gets them apart.
            var (stopped, ticks, tocks) = await SupDaemon.Run("timeout", ["3", "kubectl", "attach", "shell"], kubeconfig);
            Assert.Equal(124, stopped);
            Assert.Matches(@"tick \d+\ntick \d+\n", ticks);
            Assert.Matches(@"tock \d+\n", tocks);
            // Its stdin is the engine's: refused with the reason.
            var (refused, _, why) = await SupDaemon.Run("sh", ["-c", "kubectl attach -i shell </dev/null"], kubeconfig);
            Assert.NotEqual(0, refused);
            Assert.True(why.Contains("the stdin of an image container is not attached by sup"), why);
            Assert.Equal(0, await d.StopAsync());
        }
    }

    /// <summary>The pod's network namespace is attached when its sandbox is made: the readiness probe dials the
    /// server's 127.0.0.1-only port from inside the pod, the Service's endpoints are dialled from inside, and another
    /// image pod reaches a Service by its name: one with a loopback clusterIP at that address, one without (on the
    /// host at 127.0.0.1, which inside an image pod is the pod itself) at its address in pods, 127.253.x.y.
    /// (busybox 1.35's `wget -T` segfaults, hence no timeout option.)</summary>
    [Fact]
    public async Task Image_replicas_behind_a_Service_are_probed_from_inside_their_pods_and_reached_by_name()
    {
        var front = FreePort.On(IPAddress.Loopback);
        await using var d = await StartAsync($$$"""
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
                  containers:
                    - name: server
                      image: busybox
                      command: ["sh", "-c", "mkdir -p /www && hostname > /www/index.html && exec httpd -f -p 127.0.0.1:8080 -h /www"]
                      readinessProbe:
                        httpGet: {path: /, port: 8080}
                        periodSeconds: 1
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: web}
            spec:
              selector: {app: web}
              clusterIP: 127.0.0.10
              ports: [{port: 80, targetPort: 8080}]
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: front}
            spec:
              selector: {app: web}
              ports: [{port: {{{front}}}, targetPort: 8080}]
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: client}
            spec:
              terminationGracePeriodSeconds: 1
              containers:
                - name: app
                  image: busybox
                  command: ["sh", "-c", "while true; do wget -q -O- http://web/ && echo; wget -q -O- http://front:{{{front}}}/ && awk '$2 == \"front\" {print \"front is at\", $1}' /etc/hosts; sleep 0.5; done"]
            """);
        var (code, _, err) = await d.Sup("rollout", "status", "deployment/web", "--timeout", "60s");
        Assert.True(code == 0, err);
        await UntilAsync(async () => (await LogsAsync(d, "client")).Contains("web-"), "the client reached a replica through the Service's name", 60);
        await UntilAsync(async () => (await LogsAsync(d, "client")).Contains("front is at "), "the client reached the Service on the host's 127.0.0.1 by its name", 60);
        var line = (await LogsAsync(d, "client")).Split('\n').First(l => l.StartsWith("front is at ", StringComparison.Ordinal));
        Assert.True(ServiceAddress.PodRange.Contains(IPAddress.Parse(line["front is at ".Length..].Trim())), line);
        using (var host = new HttpClient()) Assert.StartsWith("web-", await host.GetStringAsync($"http://127.0.0.1:{front}/"));

        var (_, svc, _) = await d.Sup("get", "svc", "web", "-o", "json");
        var clusterIp = JsonDocument.Parse(svc).RootElement.GetProperty("spec").GetProperty("clusterIP").GetString()!;
        using var http = new HttpClient();
        var seen = new HashSet<string>();
        for (var i = 0; i < 20 && seen.Count < 2; i++) seen.Add((await http.GetStringAsync($"http://{clusterIp}:80/")).Trim());
        Assert.Equal(2, seen.Count); // round-robin over both replicas, each dialled inside its own pod
        Assert.All(seen, h => Assert.StartsWith("web-", h));
        Assert.Equal(0, await d.StopAsync());
    }

    /// <summary>An image pod's /etc/hosts (the engine's file, shared by its containers) follows the Services and the
    /// pods under a headless Service: web-0, started before web-1 was made, finds web-1.web at its pod IP (once); a
    /// Service made after it started appears, and goes when deleted.</summary>
    [Fact]
    public async Task An_image_StatefulSet_pod_finds_its_later_sibling_and_a_later_Service_in_its_hosts_file()
    {
        await using var d = await StartAsync("""
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
              selector: {matchLabels: {app: web}}
              template:
                metadata: {labels: {app: web}}
                spec:
                  terminationGracePeriodSeconds: 1
                  containers:
                    - name: resolver
                      image: busybox
                      command: ["sh", "-c", "last=x; while :; do now=\"web-1:$(awk '$2 == \"web-1.web\" {print $1}' /etc/hosts) late:$(awk '$2 == \"late\" {print $1}' /etc/hosts)\"; if [ \"$now\" != \"$last\" ]; then echo \"$now\"; last=$now; fi; sleep 0.2; done"]
            """);
        await d.WaitForPodAsync("web-1", seconds: 60);
        var ip = Field(await PodAsync(d, "web-1"), "status", "podIP")!;
        await UntilAsync(async () => (await LogsAsync(d, "web-0")).EndsWith($"web-1:{ip} late:\n", StringComparison.Ordinal),
            $"web-0 finding web-1.web at {ip}", 60);

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
        await UntilAsync(async () => !(await LogsAsync(d, "web-0")).EndsWith(" late:\n", StringComparison.Ordinal), "the later Service in web-0's hosts file", 60);
        Assert.Matches(@"late:\d+\.\d+\.\d+\.\d+\n$", await LogsAsync(d, "web-0"));
        (code, _, err) = await d.Sup("delete", "service/late");
        Assert.True(code == 0, err);
        await UntilAsync(async () => (await LogsAsync(d, "web-0")).EndsWith($"web-1:{ip} late:\n", StringComparison.Ordinal), "the Service gone from web-0's hosts file", 60);
        Assert.Equal(0, await d.StopAsync());
    }

    /// <summary>An in-cluster client in a namespace: the service account files where client libraries look (read-only),
    /// the API at KUBERNETES_SERVICE_HOST:PORT; with the pod's token its own namespace's pods are readable over TLS, its
    /// Secrets, other namespaces and any write refused (403). (busybox wget's own TLS cannot talk to a modern OpenSSL
    /// server, so the HTTPS calls are the test's, with the token the pod printed.)</summary>
    [Fact]
    public async Task A_pod_in_a_namespace_gets_a_token_that_reads_its_namespace_through_the_API_and_nothing_more()
    {
        await using var d = await StartAsync("""
            apiVersion: v1
            kind: Namespace
            metadata: {name: shop}
            ---
            apiVersion: v1
            kind: Secret
            metadata: {name: db, namespace: shop}
            stringData: {password: hunter2}
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: reader, namespace: shop}
            spec:
              restartPolicy: Never
              containers:
              - name: c
                image: busybox
                command: ["sh", "-c"]
                args:
                - |
                  sa=/var/run/secrets/kubernetes.io/serviceaccount
                  echo "namespace=$(cat $sa/namespace)"
                  grep -q "BEGIN CERTIFICATE" $sa/ca.crt && echo "ca=yes"
                  touch $sa/token 2>/dev/null || echo "mount=read-only"
                  echo "api=$KUBERNETES_SERVICE_HOST:$KUBERNETES_SERVICE_PORT"
                  echo | nc $KUBERNETES_SERVICE_HOST $KUBERNETES_SERVICE_PORT >/dev/null 2>&1 && echo "api=reachable"
                  echo "token=$(cat $sa/token)"
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: no-token, namespace: shop}
            spec:
              restartPolicy: Never
              automountServiceAccountToken: false
              containers:
              - name: c
                image: busybox
                command: ["sh", "-c", "ls /var/run/secrets/kubernetes.io/serviceaccount 2>/dev/null || echo none"]
            """);

        await UntilAsync(async () => (await d.Sup("get", "pod", "reader", "-n", "shop", "-o", "json")).Out.Contains("\"phase\": \"Succeeded\""), "the reader finished", 60);
        var log = (await LogsAsync(d, "reader", "-n", "shop")).Split('\n');
        Assert.Equal(["namespace=shop", "ca=yes", "mount=read-only", "api=127.253.0.1:443", "api=reachable"], log[..5]);
        var token = log[5]["token=".Length..];
        using var handler = new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, _, _, _) => true };
        // The API is always on loopback TCP; the kubeconfig says where.
        var server = File.ReadAllLines(d.Kubeconfig).Single(l => l.Trim().StartsWith("server:", StringComparison.Ordinal)).Trim()["server:".Length..].Trim();
        using var api = new HttpClient(handler) { BaseAddress = new Uri(server) };
        api.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        var pods = await api.GetAsync("/api/v1/namespaces/shop/pods");
        Assert.Equal(HttpStatusCode.OK, pods.StatusCode);
        Assert.Contains("\"name\":\"reader\"", await pods.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Forbidden, (await api.GetAsync("/api/v1/namespaces/shop/secrets/db")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await api.GetAsync("/api/v1/namespaces/default/pods")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await api.DeleteAsync("/api/v1/namespaces/shop/pods/no-token")).StatusCode);
        api.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token.Replace("sup-sa.shop.", "sup-sa.default.", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.Unauthorized, (await api.GetAsync("/api/v1/namespaces/default/pods")).StatusCode);
        await UntilAsync(async () => (await LogsAsync(d, "no-token", "-n", "shop")) == "none\n", "the pod that asked for no token has none");
        Assert.Equal(0, await d.StopAsync());
    }

    [Fact]
    public async Task A_container_that_exits_is_restarted_with_backoff_and_its_previous_log_kept()
    {
        await using var d = await StartAsync("""
            apiVersion: v1
            kind: Pod
            metadata: {name: crash}
            spec:
              containers:
                - name: app
                  image: busybox
                  command: ["sh", "-c", "echo run at $(date +%s%N); exit 3"]
            """);
        await UntilAsync(async () => int.TryParse(Field(await ContainerStatusAsync(d, "crash", "app"), "restartCount"), out var n) && n >= 2,
            "restarted twice", 60);
        var status = await ContainerStatusAsync(d, "crash", "app");
        Assert.Equal("3", Field(status, "lastState", "terminated", "exitCode"));
        Assert.Equal("Error", Field(status, "lastState", "terminated", "reason"));
        await UntilAsync(async () => Field(await ContainerStatusAsync(d, "crash", "app"), "state", "waiting", "reason") == "CrashLoopBackOff", "CrashLoopBackOff", 30);
        Assert.StartsWith("run at ", await LogsAsync(d, "crash", "--previous"));
    }

    [Fact]
    public async Task A_container_over_its_memory_limit_is_OOMKilled()
    {
        await using var d = await StartAsync("""
            apiVersion: v1
            kind: Pod
            metadata: {name: hog}
            spec:
              restartPolicy: Never
              containers:
                - name: hog
                  image: busybox
                  command: ["dd", "if=/dev/zero", "of=/dev/null", "bs=256M", "count=1"]
                  resources: {limits: {memory: 32Mi}}
            """);
        await d.WaitForPodAsync("hog", "Failed", 60);
        var status = await ContainerStatusAsync(d, "hog", "hog");
        Assert.Equal("OOMKilled", Field(status, "state", "terminated", "reason"));
        Assert.Equal("137", Field(status, "state", "terminated", "exitCode"));
    }

    [Fact]
    public async Task Init_containers_run_in_order_before_the_container_and_share_its_emptyDir()
    {
        await using var d = await StartAsync("""
            apiVersion: v1
            kind: Pod
            metadata: {name: steps}
            spec:
              restartPolicy: Never
              volumes: [{name: work, emptyDir: {}}]
              initContainers:
                - {name: first, image: busybox, command: ["sh", "-c", "echo one > /work/out"], volumeMounts: [{name: work, mountPath: /work}]}
                - {name: second, image: busybox, command: ["sh", "-c", "echo two >> /work/out"], volumeMounts: [{name: work, mountPath: /work}]}
              containers:
                - {name: last, image: busybox, command: ["cat", "/work/out"], workingDir: /work, volumeMounts: [{name: work, mountPath: /work, readOnly: true}]}
            """);
        await d.WaitForPodAsync("steps", "Succeeded", 60);
        Assert.Equal("one\ntwo\n", await LogsAsync(d, "steps", "-c", "last"));
        Assert.Equal("Completed", Field(await ContainerStatusAsync(d, "steps", "first", "initContainerStatuses"), "state", "terminated", "reason"));
    }

    /// <summary>k8s: a command the image does not have is a StartError with exit code 128, in the OCI runtime's words,
    /// and the container is not left in the engine.</summary>
    [Fact]
    public async Task A_command_the_image_lacks_is_a_StartError_with_the_runtimes_words()
    {
        await using var d = await StartAsync("""
            apiVersion: v1
            kind: Pod
            metadata: {name: nocmd}
            spec:
              restartPolicy: Never
              containers: [{name: app, image: busybox, command: ["/no/such/program"]}]
            """);
        await d.WaitForPodAsync("nocmd", "Failed", 60);
        var status = await ContainerStatusAsync(d, "nocmd", "app");
        Assert.Equal("StartError", Field(status, "state", "terminated", "reason"));
        Assert.Equal("128", Field(status, "state", "terminated", "exitCode"));
        Assert.Contains("/no/such/program", Field(status, "state", "terminated", "message"));
        Assert.Equal(0, await d.StopAsync());
    }

    [Fact]
    public async Task A_missing_image_waits_in_ErrImagePull_then_ImagePullBackOff_and_the_daemon_goes_on()
    {
        await using var d = await StartAsync("""
            apiVersion: v1
            kind: Pod
            metadata: {name: missing}
            spec:
              containers: [{name: app, image: "localhost/sup-test-no-such-image:1"}]
            """);
        await UntilAsync(async () => Field(await ContainerStatusAsync(d, "missing", "app"), "state", "waiting", "reason") == "ImagePullBackOff", "ImagePullBackOff", 30);
        var (_, events, _) = await d.Sup("events");
        Assert.Contains("Failed to pull image \"localhost/sup-test-no-such-image:1\"", events);
        Assert.Contains("Error: ErrImagePull", events);
        Assert.Equal("Pending", Field(await PodAsync(d, "missing"), "status", "phase"));
    }

    [Fact]
    public async Task Without_a_usable_engine_an_image_pod_waits_with_the_reason_and_a_Warning_while_host_pods_run()
    {
        await using var d = await ImagePods.StartAsync("""
            apiVersion: v1
            kind: Pod
            metadata: {name: image}
            spec:
              containers: [{name: app, image: busybox}]
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: host}
            spec:
              containers: [{name: app, command: ["sleep", "600"]}]
            """, "--container-engine", "none");
        await d.WaitForPodAsync("host");
        await UntilAsync(async () => Field(await ContainerStatusAsync(d, "image", "app"), "state", "waiting", "message")?.Contains("no container engine is usable") == true,
            "waiting with the reason");
        Assert.Equal("ContainerCreating", Field(await ContainerStatusAsync(d, "image", "app"), "state", "waiting", "reason"));
        var (_, events, _) = await d.Sup("events");
        Assert.Contains("FailedCreatePodSandBox", events);
        Assert.Contains("--container-engine none", events);
    }

    [Fact]
    public async Task After_a_crash_the_next_start_adopts_what_its_pods_show_running_and_removes_the_rest_it_had_left_in_the_engine()
    {
        await using var d = new SupDaemon("""
            apiVersion: v1
            kind: Pod
            metadata: {name: left}
            spec:
              containers: [{name: app, image: busybox, command: ["sleep", "600"]}]
            """);
        await d.StartAsync(extra: engine.DaemonArguments);
        await d.WaitForPodAsync("left");
        var running = Field(await ContainerStatusAsync(d, "left", "app"), "containerID");
        await Task.Delay(1000); // the status reaches the disk in batches
        d.Process.Signal(Native.SIGKILL);
        await d.Process.WaitForExitAsync(TimeSpan.FromSeconds(30));
        var daemonId = new StatePaths(d.StateDir).DaemonId;
        Assert.NotEmpty(await engine.FindLeftoversAsync($"{EngineLabels.Daemon}={daemonId}")); // the crash left its pod running
        // And a container of this daemon's that no stored pod shows running (as one an instance that ended left).
        var stale = $"sup-{daemonId}_stale";
        await engine.OutputAsync("create", "--label", $"{EngineLabels.Daemon}={daemonId}", "--name", stale, TestImages.Busybox, "sleep", "600");

        await d.StartAsync(extra: engine.DaemonArguments);
        await Poll.Until(() => d.Process.Output.Contains("this daemon had left"), "the sweep at start");
        Assert.Contains(stale, d.Process.Output);
        await Poll.Until(() => d.Process.Output.Contains("container app adopted"), "its running container adopted");
        await d.WaitForPodAsync("left");
        Assert.Equal(running, Field(await ContainerStatusAsync(d, "left", "app"), "containerID"));
        Assert.Equal(0, await d.StopAsync()); // and nothing is left at the end
    }

    /// <summary>A daemon of host pods only starts and stops without listing the engine (no podman ps: ~0.3 s of CPU
    /// each way); one that made something there notes it in its state dir, so that the sweep after a crash still
    /// finds what it left even when no stored pod shows it (here: the store itself is gone).</summary>
    [Fact]
    public async Task A_daemon_of_host_pods_leaves_the_engine_alone_and_what_an_image_pod_left_is_swept_even_without_the_store()
    {
        // The engine's command line, through a script that notes every command the daemon gives it.
        var shim = Directory.CreateTempSubdirectory("sup-engine-shim-").FullName;
        var commands = Path.Combine(shim, "commands");
        var real = Environment.GetEnvironmentVariable("PATH")!.Split(':').Select(dir => Path.Combine(dir, engine.Name)).First(File.Exists);
        File.WriteAllText(Path.Combine(shim, engine.Name), $"#!/bin/sh\necho \"$1 $2\" >> {commands}\nexec {real} \"$@\"\n");
        File.SetUnixFileMode(Path.Combine(shim, engine.Name), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        string[] throughShim = ["env", $"PATH={shim}:{Environment.GetEnvironmentVariable("PATH")}"];
        try
        {
            await using var d = new SupDaemon("""
                apiVersion: v1
                kind: Pod
                metadata: {name: host}
                spec:
                  containers: [{name: app, command: ["sleep", "600"]}]
                """) { Launcher = throughShim };
            await d.StartAsync(extra: engine.DaemonArguments);
            await d.WaitForPodAsync("host");
            Assert.Equal(0, await d.StopAsync());
            Assert.Equal(["version --format"], File.ReadAllLines(commands)); // asked whether it works, nothing else

            d.WriteManifest("""
                apiVersion: v1
                kind: Pod
                metadata: {name: left}
                spec:
                  containers: [{name: app, image: busybox, command: ["sleep", "600"]}]
                """);
            await d.StartAsync(extra: engine.DaemonArguments);
            await d.WaitForPodAsync("left");
            d.Process.Signal(Native.SIGKILL);
            await d.Process.WaitForExitAsync(TimeSpan.FromSeconds(60));
            var daemonId = new StatePaths(d.StateDir).DaemonId;
            Assert.NotEmpty(await engine.FindLeftoversAsync($"{EngineLabels.Daemon}={daemonId}"));
            foreach (var database in Directory.GetFiles(d.StateDir, "sup.db*")) File.Delete(database);

            await d.StartAsync(extra: engine.DaemonArguments);
            await Poll.Until(() => d.Process.Output.Contains("this daemon had left"), "the sweep at start");
            await d.WaitForPodAsync("left"); // made again from the manifest
            Assert.Equal(0, await d.StopAsync()); // and nothing is left: the crashed pod was swept, the new one stopped
        }
        finally
        {
            Directory.Delete(shim, recursive: true);
        }
    }

    [Fact]
    public async Task A_Jobs_steps_run_in_containers_share_an_emptyDir_and_a_hung_step_is_retried()
    {
        await using var d = await StartAsync("""
            apiVersion: batch/v1
            kind: Job
            metadata: {name: etl}
            spec:
              backoffLimit: 3
              template:
                metadata:
                  annotations: {sup.minikube.io/step-timeout-seconds.load: "2"}
                spec:
                  restartPolicy: OnFailure
                  terminationGracePeriodSeconds: 1
                  volumes: [{name: work, emptyDir: {}}]
                  initContainers:
                    - {name: extract, image: busybox, command: ["sh", "-c", "echo rows > /work/data"], volumeMounts: [{name: work, mountPath: /work}]}
                    - name: load
                      image: busybox
                      # Hangs on its first run (it leaves a mark), finishes on the retry.
                      command: ["sh", "-c", "if [ -f /work/tried ]; then cat /work/data; else touch /work/tried; exec sleep 600; fi"]
                      volumeMounts: [{name: work, mountPath: /work}]
                  containers:
                    - {name: report, image: busybox, command: ["sh", "-c", "echo done"]}
            """);
        await UntilAsync(async () => (await d.Sup("get", "job", "etl", "-o", "json")).Out.Contains("\"succeeded\": 1"), "the Job completes", 60);
        var (_, events, _) = await d.Sup("events");
        Assert.Contains("ran longer than its step timeout of 2s and is considered hung", events);
        var (_, logs, _) = await d.Sup("logs", "job/etl", "-c", "load");
        Assert.Contains("rows", logs);
    }

    [Fact]
    public async Task Two_daemons_never_touch_each_others_containers()
    {
        const string Manifest = """
            apiVersion: v1
            kind: Pod
            metadata: {name: same-name}
            spec:
              terminationGracePeriodSeconds: 1
              containers: [{name: app, image: busybox, command: ["sleep", "600"]}]
            """;
        await using var first = await StartAsync(Manifest);
        await first.WaitForPodAsync("same-name");
        await using (var second = await StartAsync(Manifest))
        {
            await second.WaitForPodAsync("same-name");
            Assert.Equal(0, await second.StopAsync()); // its sweeps at start and stop left the first daemon's pod alone
        }
        Assert.NotEmpty(await engine.FindLeftoversAsync($"{EngineLabels.Daemon}={new StatePaths(first.StateDir).DaemonId}"));
        Assert.Equal("Running", Field(await PodAsync(first, "same-name"), "status", "phase"));
        Assert.Equal(0, await first.StopAsync());
    }
}

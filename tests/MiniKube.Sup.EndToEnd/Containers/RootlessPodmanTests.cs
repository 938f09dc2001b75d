using MiniKube.Sup.EndToEnd.Reliability;
using MiniKube.Sup.Processes;
using MiniKube.Sup.Runtime.Engine;

namespace MiniKube.Sup.EndToEnd.Containers;

/// <summary>
/// `sup run` as a user who is not root, with that user's rootless podman: a user created for the class with a range
/// of subordinate ids and the test images in its own store (<see cref="RootlessUser"/>). The daemon cannot enter a
/// rootless pod's network namespace (it belongs to podman's user namespace, and setns(2) into a user namespace is
/// refused to a multithreaded process): its probes reach the pod's published containerPorts on the pod IP from the
/// host, its exec probes enter the container through podman's user namespace (nsenter --user), and the pod says, in
/// a Warning event, that it is not given Services. Nothing of the user's is left running afterwards: no container,
/// no pod, no podman pause process, no sup.
/// </summary>
[Collection(OtherUserCollection.Name)]
public sealed class RootlessPodmanTests(RootlessUser rootless) : IClassFixture<RootlessUser>
{
    [Fact]
    public async Task A_non_root_daemon_runs_image_pods_under_rootless_podman_probes_them_restarts_them_and_leaves_nothing()
    {
        var servicePort = SupDaemon.FreePort();
        var d = new SupDaemon("""
            apiVersion: v1
            kind: Service
            metadata: {name: web}
            spec:
              selector: {app: web}
              ports: [{port: SERVICE_PORT, targetPort: 8080}]
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: web, labels: {app: web}}
            spec:
              terminationGracePeriodSeconds: 1
              containers:
                - name: web
                  image: busybox
                  # k8s docs' exec-liveness: healthy for a while, then not.
                  command: ["sh", "-c", "touch /tmp/healthy; (sleep 5; rm /tmp/healthy) & exec httpd -f -p 8080 -h /etc"]
                  ports: [{containerPort: 8080}]
                  livenessProbe:
                    exec: {command: ["cat", "/tmp/healthy"]}
                    initialDelaySeconds: 1
                    periodSeconds: 1
                    failureThreshold: 1
                  readinessProbe:
                    httpGet: {path: /hostname, port: 8080}
                    periodSeconds: 1
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: low-port}
            spec:
              containers:
                - name: web
                  image: busybox
                  command: ["httpd", "-f", "-p", "80"]
                  ports: [{containerPort: 80}]
            """.Replace("SERVICE_PORT", servicePort.ToString(System.Globalization.CultureInfo.InvariantCulture)))
        {
            Launcher = ["setpriv", .. rootless.As()],
        };
        await using var _ = d;
        await SupDaemon.Run("chown", ["-R", $"{rootless.User.Name}:{rootless.User.Name}", d.Dir]);
        var zombiesBefore = rootless.Zombies(RootlessPause.Helpers);
        await d.StartAsync();

        // The readiness probe dials the published port from the host: the pod turns Ready.
        await ImagePods.UntilAsync(async () => (await PodJson(d, "web")).Contains("\"ready\": true"), "web Ready", 60);
        var ip = ImagePods.Field(System.Text.Json.JsonDocument.Parse(await PodJson(d, "web")).RootElement, "status", "podIP")!;
        await ServedAsync($"http://{ip}:8080/hostname");
        // The Service's proxy (on 127.0.0.1, the daemon's) reaches the pod on its published port from the host.
        await ServedAsync($"http://127.0.0.1:{servicePort}/hostname");
        var events = await SupAs(d, "events");
        Assert.Contains("NetworkLimited", events);
        Assert.Contains("not given Services", events);

        // The exec liveness probe runs in the container (its own /tmp): once the file is gone the container restarts.
        await ImagePods.UntilAsync(async () => (await PodJson(d, "web")).Contains("\"restartCount\": 1"), "web restarted on liveness failure", 60);
        events = await SupAs(d, "events");
        Assert.Contains("Liveness probe failed: cat: can't open '/tmp/healthy'", events);

        // A containerPort below net.ipv4.ip_unprivileged_port_start cannot be published by the user: the sandbox
        // is refused with podman's words, and the pod waits.
        if (UnprivilegedPortStart() > 80)
            await ImagePods.UntilAsync(async () => (await SupAs(d, "events")).Contains("rootlessport cannot expose privileged port 80"),
                "low-port refused its sandbox", 60);

        // sup ps finds the container's processes (no cgroup of its own: its main process's descendants).
        // (It restarts every few seconds: its liveness fails again each time.)
        await ImagePods.UntilAsync(async () => (await SupAs(d, "ps", "web")).Contains("httpd -f -p 8080"), "sup ps shows httpd", 30);

        d.Process.Signal(Native.SIGTERM);
        Assert.Equal(0, await d.Process.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains("rootless podman: its pause process", d.Process.Output);
        // The pods' network helpers came back to the daemon (a subreaper) when podman left them: reaped, not handed to
        // init as zombies. (The pause process is init's from the start: its zombie is init's to reap.)
        // (Zombies of an earlier user of this uid, left to an init that does not reap, are not this test's.)
        Assert.Empty(rootless.Zombies(RootlessPause.Helpers).Except(zombiesBefore));
        Assert.Equal("", (await rootless.RunAsync("podman", "ps", "--all", "--quiet")).Out.Trim());
        Assert.Equal("", (await rootless.RunAsync("podman", "pod", "ps", "--quiet")).Out.Trim());
        // (those two podman commands started a pause process again; it is not the daemon's: end it before looking)
        await rootless.RunAsync("podman", "system", "migrate");
        await Poll.Until(() => rootless.LiveProcesses().Count == 0, "no process of the user left", 10);
    }

    /// <summary>Until <paramref name="url"/> answers the pod's hostname (the Service's endpoints follow readiness, and
    /// the container restarts on cue).</summary>
    private static async Task ServedAsync(string url)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        await ImagePods.UntilAsync(async () =>
        {
            try { return await http.GetStringAsync(url) == "web"; }
            catch (HttpRequestException) { return false; }
            catch (TaskCanceledException) { return false; }
        }, url + " serves the pod's hostname", 60);
    }

    private Task<string> PodJson(SupDaemon d, string pod) => SupAs(d, "get", "pod", pod, "-o", "json");

    /// <summary>A sup client command as the user (sup talks only to a daemon of its own user).</summary>
    private async Task<string> SupAs(SupDaemon d, params string[] args)
    {
        var (_, output, _) = await SupDaemon.Run("setpriv", rootless.As([Binaries.Sup, .. args, "--state-dir", d.StateDir]));
        return output;
    }

    private static int UnprivilegedPortStart() => int.Parse(File.ReadAllText("/proc/sys/net/ipv4/ip_unprivileged_port_start").Trim());
}

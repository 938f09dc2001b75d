using System.Net;
using System.Net.Sockets;
using System.Text.Json;

namespace MiniKube.Sup.EndToEnd;

/// <summary>Deployments behind a Service in a real daemon: traffic reaches Ready pods only, and a rolling update
/// with maxUnavailable 0 loses no connection.</summary>
public sealed class ServiceTests
{
    private static string Manifest(int servicePort, int podPort, int readyPort, string flags, string version) => $$"""
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: web
        spec:
          replicas: 3
          selector:
            matchLabels: {app: web}
          strategy:
            rollingUpdate: {maxSurge: 1, maxUnavailable: 0}
          template:
            metadata:
              labels: {app: web}
            spec:
              terminationGracePeriodSeconds: 5
              containers:
                - name: main
                  command: ["TESTAPP"]
                  args: ["--listen", "{{podPort}}", "--http", "{{readyPort}}", "--unready-when-exists", "{{flags}}/unready-$(POD_NAME)", "--print", "{{version}}"]
                  env:
                    - name: POD_NAME
                      valueFrom:
                        fieldRef: {fieldPath: metadata.name}
                  readinessProbe:
                    httpGet: {path: /ready, port: {{readyPort}}}
                    periodSeconds: 1
                    failureThreshold: 1
        ---
        apiVersion: v1
        kind: Service
        metadata:
          name: web
        spec:
          selector: {app: web}
          ports:
            - port: {{servicePort}}
              targetPort: {{podPort}}
        """;

    private static int FreePort()
    {
        var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        var port = ((IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return port;
    }

    /// <summary>One connection through the Service: the pod's "hello from IP" line, or null if it failed.</summary>
    private static async Task<string?> Ask(int port)
    {
        try
        {
            using var client = new TcpClient();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await client.ConnectAsync(IPAddress.Loopback, port, timeout.Token);
            using var reader = new StreamReader(client.GetStream());
            var line = await reader.ReadLineAsync(timeout.Token);
            return line is not null && line.StartsWith("hello from ", StringComparison.Ordinal) ? line["hello from ".Length..] : null;
        }
        catch (Exception e) when (e is SocketException or IOException or OperationCanceledException) { return null; }
    }

    private static async Task<List<(string Name, string Ip, bool Ready, int Restarts)>> Pods(SupDaemon d)
    {
        var (_, json, _) = await d.Sup("get", "pods", "-l", "app=web", "-o", "json");
        using var doc = JsonDocument.Parse(json);
        return doc.RootElement.GetProperty("items").EnumerateArray()
            .Where(p => !p.GetProperty("metadata").TryGetProperty("deletionTimestamp", out _))
            .Select(p =>
            {
                var status = p.GetProperty("status");
                var ready = status.TryGetProperty("conditions", out var conditions)
                    && conditions.EnumerateArray().Any(c => c.GetProperty("type").GetString() == "Ready" && c.GetProperty("status").GetString() == "True");
                var restarts = status.TryGetProperty("containerStatuses", out var cs) ? cs.EnumerateArray().Sum(c => c.GetProperty("restartCount").GetInt32()) : 0;
                return (p.GetProperty("metadata").GetProperty("name").GetString()!, status.TryGetProperty("podIP", out var ip) ? ip.GetString() ?? "" : "", ready, restarts);
            }).ToList();
    }

    private static async Task<string> Endpoints(SupDaemon d) => (await d.Sup("get", "endpoints", "web")).Out;

    [Fact]
    public async Task A_pod_made_not_ready_gets_no_traffic_is_not_restarted_and_rejoins_when_ready_again()
    {
        var flags = Directory.CreateTempSubdirectory("sup-flags-").FullName;
        var servicePort = FreePort();
        await using var d = new SupDaemon(Manifest(servicePort, FreePort(), FreePort(), flags, "v1"));
        await d.StartAsync();
        await Poll.Until(() => Pods(d).GetAwaiter().GetResult() is { Count: 3 } p && p.All(x => x.Ready), "three ready pods", 60);
        var pods = await Pods(d);
        await Poll.Until(() => pods.All(p => Endpoints(d).GetAwaiter().GetResult().Contains(p.Ip + ":")), "three endpoints", 30);
        var victim = pods[1];

        // kubectl's form for several kinds at once: one table per kind, names prefixed with the kind.
        var (code, tables, _) = await d.Sup("get", "deploy,svc");
        Assert.Equal(0, code);
        Assert.Matches(@"(?m)^NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE$", tables);
        Assert.Matches(@"(?m)^deployment/web\s+3/3\s+3\s+3\s+\d+s$", tables);
        Assert.Matches(@"(?m)^service/web\s+ClusterIP\s+", tables);

        File.WriteAllText(Path.Combine(flags, "unready-" + victim.Name), "");
        await Poll.Until(() => !Endpoints(d).GetAwaiter().GetResult().Contains(victim.Ip + ":"), "the not-ready pod to leave the endpoints", 30);
        var answers = new List<string?>();
        for (var i = 0; i < 300; i++) answers.Add(await Ask(servicePort));
        Assert.DoesNotContain(null, answers);
        Assert.DoesNotContain(victim.Ip, answers);
        Assert.Equal(2, answers.Distinct().Count()); // the two others share the load
        var now = (await Pods(d)).Single(p => p.Name == victim.Name);
        Assert.False(now.Ready);
        Assert.Equal(0, now.Restarts); // readiness only takes it out of rotation

        File.Delete(Path.Combine(flags, "unready-" + victim.Name));
        await Poll.Until(() => Endpoints(d).GetAwaiter().GetResult().Contains(victim.Ip + ":"), "the pod to rejoin", 30);
        var after = new List<string?>();
        for (var i = 0; i < 30; i++) after.Add(await Ask(servicePort));
        Assert.Contains(victim.Ip, after);
        Assert.Equal(0, await d.StopAsync());
        Directory.Delete(flags, recursive: true);
    }

    [Fact]
    public async Task A_rolling_update_with_max_unavailable_0_under_continuous_traffic_loses_no_connection()
    {
        var flags = Directory.CreateTempSubdirectory("sup-flags-").FullName;
        var (servicePort, podPort, readyPort) = (FreePort(), FreePort(), FreePort());
        await using var d = new SupDaemon(Manifest(servicePort, podPort, readyPort, flags, "v1"));
        await d.StartAsync();
        await Poll.Until(() => Pods(d).GetAwaiter().GetResult() is { Count: 3 } p && p.All(x => x.Ready), "three ready pods", 60);
        var before = (await Pods(d)).Select(p => p.Name).ToHashSet();
        await Poll.Until(() => before.Count == 3 && (Endpoints(d).GetAwaiter().GetResult().Split(',').Length == 3), "three endpoints", 30);

        using var stop = new CancellationTokenSource();
        var results = new List<string?>();
        var traffic = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var answer = await Ask(servicePort);
                lock (results) results.Add(answer);
            }
        });
        await Task.Delay(500);
        d.WriteManifest(Manifest(servicePort, podPort, readyPort, flags, "v2"));
        var (code, _, err) = await d.Sup("apply", "-f", d.ManifestPath);
        Assert.True(code == 0, err);
        var (statusCode, statusOut, statusErr) = await d.Sup("rollout", "status", "deployment/web", "--timeout", "90");
        Assert.True(statusCode == 0, statusOut + statusErr);
        Assert.Contains("deployment \"web\" successfully rolled out", statusOut);
        await Task.Delay(500);
        await stop.CancelAsync();
        await traffic;

        var after = await Pods(d);
        Assert.Equal(3, after.Count);
        Assert.DoesNotContain(after, p => before.Contains(p.Name));
        lock (results)
        {
            Assert.True(results.Count > 50, $"only {results.Count} connections were made");
            Assert.Equal(0, results.Count(r => r is null));
        }
        var (_, rs, _) = await d.Sup("get", "rs");
        Assert.Equal(3, rs.TrimEnd().Split('\n').Length); // header + old (0 replicas) + new
        Assert.Equal(0, await d.StopAsync());
        Directory.Delete(flags, recursive: true);
    }
}

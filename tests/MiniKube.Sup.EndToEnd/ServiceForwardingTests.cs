using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.RegularExpressions;
using MiniKube.Sup.Processes;

namespace MiniKube.Sup.EndToEnd;

/// <summary>Issue 23: where the daemon is root and has nft, a Service's connections from the host are forwarded in the
/// kernel (nftables DNAT in a table of the daemon's own) over its Ready endpoints only; --service-proxy userspace keeps
/// them in the daemon's listeners; and no table outlives its daemon.</summary>
public sealed partial class ServiceForwardingTests
{
    private static string Manifest(int servicePort, int podPort, int readyPort, string flags, int replicas = 3) => $$"""
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: web
        spec:
          replicas: {{replicas}}
          selector:
            matchLabels: {app: web}
          template:
            metadata:
              labels: {app: web}
            spec:
              terminationGracePeriodSeconds: 5
              containers:
                - name: main
                  command: ["TESTAPP"]
                  args: ["--listen", "{{podPort}}", "--http", "{{readyPort}}", "--unready-when-exists", "{{flags}}/unready-$(POD_NAME)"]
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

    [Fact]
    public async Task As_root_a_Service_is_forwarded_in_the_kernel_over_its_Ready_endpoints_only()
    {
        RequireKernel();
        var flags = Directory.CreateTempSubdirectory("sup-flags-").FullName;
        var (servicePort, podPort) = (SupDaemon.FreePort(), SupDaemon.FreePort());
        // One pod is never Ready: it must get no connection.
        var never = "unready-";
        await using var d = new SupDaemon(Manifest(servicePort, podPort, SupDaemon.FreePort(), flags));
        await d.StartAsync();
        await Poll.Until(() => Pods(d).GetAwaiter().GetResult() is { Count: 3 }, "three pods", 60);
        var pods = await Pods(d);
        File.WriteAllText(Path.Combine(flags, never + pods[0].Name), "");
        var ready = pods.Skip(1).Select(p => p.Ip).ToList();
        await Poll.Until(() => EndpointIps(d).GetAwaiter().GetResult() is var ips && ips.Order().SequenceEqual(ready.Order()), "the two Ready pods as the endpoints", 60);

        var (_, described, _) = await d.Sup("describe", "svc", "web");
        Assert.Contains($"listening on 127.0.0.1:{servicePort}, forwarded in the kernel (nftables DNAT, table ip sup_{new StatePaths(d.StateDir).DaemonId})", described);
        var (_, events, _) = await d.Kubectl("describe", "service", "web");
        Assert.Contains("connections from the host are forwarded in the kernel (nftables DNAT", events);
        var table = await KernelRules.TableAsync(new StatePaths(d.StateDir));
        Assert.NotNull(table);
        foreach (var ip in ready) Assert.Contains($"dnat to {ip}:{podPort}", table);
        Assert.DoesNotContain($"dnat to {pods[0].Ip}:", table);

        var answers = new List<string?>();
        for (var i = 0; i < 200; i++) answers.Add(await Ask(servicePort));
        Assert.DoesNotContain(null, answers);
        Assert.Equal(ready.Order(), answers.Distinct().Order()); // both Ready pods, the other never
        // The kernel made those connections: its counters for the two endpoints add up to them (the probes go to
        // another port, directly).
        Assert.Equal(200, Counted(await KernelRules.TableAsync(new StatePaths(d.StateDir))));
        Assert.Equal(0, await d.StopAsync());
        Directory.Delete(flags, recursive: true);
    }

    [Fact]
    public async Task A_readiness_failure_takes_the_endpoint_out_of_the_kernel_rules_and_recovery_puts_it_back()
    {
        RequireKernel();
        var flags = Directory.CreateTempSubdirectory("sup-flags-").FullName;
        var (servicePort, podPort) = (SupDaemon.FreePort(), SupDaemon.FreePort());
        await using var d = new SupDaemon(Manifest(servicePort, podPort, SupDaemon.FreePort(), flags, replicas: 2));
        await d.StartAsync();
        await Poll.Until(() => EndpointIps(d).GetAwaiter().GetResult().Count == 2, "two endpoints", 60);
        var victim = (await Pods(d))[0];
        var paths = new StatePaths(d.StateDir);
        Assert.Contains($"dnat to {victim.Ip}:{podPort}", await KernelRules.TableAsync(paths));

        File.WriteAllText(Path.Combine(flags, "unready-" + victim.Name), "");
        // The rules are written before the Endpoints object: once it lacks the pod, so do they.
        await Poll.Until(() => !EndpointIps(d).GetAwaiter().GetResult().Contains(victim.Ip), "the not-ready pod to leave the endpoints", 30);
        Assert.DoesNotContain($"dnat to {victim.Ip}:", await KernelRules.TableAsync(paths));
        var answers = new List<string?>();
        for (var i = 0; i < 50; i++) answers.Add(await Ask(servicePort));
        Assert.DoesNotContain(null, answers);
        Assert.DoesNotContain(victim.Ip, answers);

        File.Delete(Path.Combine(flags, "unready-" + victim.Name));
        await Poll.Until(() => EndpointIps(d).GetAwaiter().GetResult().Contains(victim.Ip), "the pod to rejoin", 30);
        Assert.Contains($"dnat to {victim.Ip}:{podPort}", await KernelRules.TableAsync(paths));
        Assert.Equal(0, await d.StopAsync());
        Directory.Delete(flags, recursive: true);
    }

    [Fact]
    public async Task No_nft_table_outlives_a_stop_and_a_killed_daemons_table_goes_at_the_next_start()
    {
        RequireKernel();
        var flags = Directory.CreateTempSubdirectory("sup-flags-").FullName;
        var (servicePort, podPort) = (SupDaemon.FreePort(), SupDaemon.FreePort());
        await using var d = new SupDaemon(Manifest(servicePort, podPort, SupDaemon.FreePort(), flags, replicas: 1));
        var paths = new StatePaths(d.StateDir);
        await d.StartAsync();
        await Poll.Until(() => KernelRules.TableAsync(paths).GetAwaiter().GetResult()?.Contains($"dport vmap {{ 127.0.0.1 . {servicePort}") == true, "the Service's rule", 60);

        d.Process.Signal(Native.SIGKILL);
        await d.Process.WaitForExitAsync(TimeSpan.FromSeconds(60));
        Assert.Contains($"127.0.0.1 . {servicePort}", await KernelRules.TableAsync(paths)); // nothing could remove it

        // The next daemon on the state dir removes it as it starts, even one that forwards in user space; and the
        // Service still answers.
        File.Delete(Path.Combine(d.StateDir, "sup.sock")); // the killed daemon's: StartAsync waits for the new one
        await d.StartAsync(false, "--service-proxy", "userspace");
        Assert.Null(await KernelRules.TableAsync(paths));
        await Poll.Until(() => Ask(servicePort).GetAwaiter().GetResult() is not null, "the Service answering through the new daemon", 60);
        Assert.Equal(0, await d.StopAsync()); // asserts no table is left (Leftovers)
        Directory.Delete(flags, recursive: true);
    }

    [Fact]
    public async Task With_service_proxy_userspace_the_daemon_forwards_over_Ready_endpoints_and_makes_no_rules()
    {
        var flags = Directory.CreateTempSubdirectory("sup-flags-").FullName;
        var (servicePort, podPort) = (SupDaemon.FreePort(), SupDaemon.FreePort());
        await using var d = new SupDaemon(Manifest(servicePort, podPort, SupDaemon.FreePort(), flags, replicas: 2));
        await d.StartAsync(false, "--service-proxy", "userspace");
        await Poll.Until(() => EndpointIps(d).GetAwaiter().GetResult().Count == 2, "two endpoints", 60);
        var (_, described, _) = await d.Sup("describe", "svc", "web");
        Assert.Contains($"listening on 127.0.0.1:{servicePort}, forwarded in user space (--service-proxy userspace)", described);
        Assert.Null(await KernelRules.TableAsync(new StatePaths(d.StateDir)));

        var victim = (await Pods(d))[0];
        File.WriteAllText(Path.Combine(flags, "unready-" + victim.Name), "");
        await Poll.Until(() => !EndpointIps(d).GetAwaiter().GetResult().Contains(victim.Ip), "the not-ready pod to leave the endpoints", 30);
        var answers = new List<string?>();
        for (var i = 0; i < 50; i++) answers.Add(await Ask(servicePort));
        Assert.DoesNotContain(null, answers);
        Assert.DoesNotContain(victim.Ip, answers);
        Assert.Equal(0, await d.StopAsync());
        Directory.Delete(flags, recursive: true);
    }

    private static void RequireKernel() =>
        Assert.True(KernelRules.Available, "these tests need root and /usr/sbin/nft (the CI runs as root and installs nftables)");

    /// <summary>The connections the table's endpoint chains have DNATed (each counter counts first packets).</summary>
    private static int Counted(string? table) =>
        Counter().Matches(table ?? "").Sum(m => int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));

    [GeneratedRegex(@"counter packets (\d+) bytes \d+ dnat")]
    private static partial Regex Counter();

    /// <summary>One connection through the Service: the pod's IP from its "hello from IP" line, or null if it failed.</summary>
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

    private static async Task<List<(string Name, string Ip)>> Pods(SupDaemon d)
    {
        var (_, json, _) = await d.Sup("get", "pods", "-l", "app=web", "-o", "json");
        using var doc = JsonDocument.Parse(json);
        return doc.RootElement.GetProperty("items").EnumerateArray()
            .Select(p => (p.GetProperty("metadata").GetProperty("name").GetString()!,
                p.GetProperty("status").TryGetProperty("podIP", out var ip) ? ip.GetString() ?? "" : ""))
            .Where(p => p.Item2.Length > 0)
            .OrderBy(p => p.Item1, StringComparer.Ordinal).ToList();
    }

    private static async Task<List<string>> EndpointIps(SupDaemon d)
    {
        var (code, json, _) = await d.Sup("get", "endpoints", "web", "-o", "json");
        if (code != 0 || json.Trim().Length == 0) return [];
        using var doc = JsonDocument.Parse(json);
        return doc.RootElement.TryGetProperty("subsets", out var subsets)
            ? subsets.EnumerateArray().SelectMany(s => s.TryGetProperty("addresses", out var a) ? a.EnumerateArray().Select(x => x.GetProperty("ip").GetString()!) : []).ToList()
            : [];
    }
}

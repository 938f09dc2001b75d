using System.Net;
using System.Net.Sockets;
using System.Text.Json;

namespace MiniKube.Sup.EndToEnd;

/// <summary>Issue 19: several daemons on one host (two projects on a laptop, parallel CI jobs) never collide: each
/// gives its pods addresses of a block no other daemon holds, and a Service port one holds is refused to the next,
/// never shared.</summary>
public sealed class SeveralDaemonsTests
{
    private static string Manifest(int servicePort, int podPort) => $$"""
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: web
        spec:
          replicas: 2
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
                  args: ["--listen", "{{podPort}}"]
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

    private static async Task<List<string>> PodIps(SupDaemon d)
    {
        var (_, json, _) = await d.Sup("get", "pods", "-l", "app=web", "-o", "json");
        using var doc = JsonDocument.Parse(json);
        return doc.RootElement.GetProperty("items").EnumerateArray()
            .Select(p => p.GetProperty("status").TryGetProperty("podIP", out var ip) ? ip.GetString() : null)
            .OfType<string>().ToList();
    }

    private static async Task<string?> Ask(int port)
    {
        try
        {
            using var client = new TcpClient();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await client.ConnectAsync(IPAddress.Loopback, port, timeout.Token);
            using var reader = new StreamReader(client.GetStream());
            return await reader.ReadLineAsync(timeout.Token);
        }
        catch (Exception e) when (e is SocketException or IOException or OperationCanceledException) { return null; }
    }

    [Fact]
    public async Task Two_daemons_with_the_same_manifests_give_their_pods_different_addresses_and_the_second_is_refused_the_Service_port()
    {
        var servicePort = FreePort();
        var yaml = Manifest(servicePort, FreePort());
        await using var first = new SupDaemon(yaml);
        await using var second = new SupDaemon(yaml);
        await first.StartAsync();
        await Poll.Until(() => PodIps(first).GetAwaiter().GetResult().Count == 2, "the first daemon's 2 pods", 30);
        await Poll.Until(() => Ask(servicePort).GetAwaiter().GetResult() is not null, "the first daemon's Service", 30);
        await second.StartAsync();
        await Poll.Until(() => PodIps(second).GetAwaiter().GetResult().Count == 2, "the second daemon's 2 pods", 30);

        var a = await PodIps(first);
        var b = await PodIps(second);
        Assert.Empty(a.Intersect(b));
        // A block each: the second octet tells them apart.
        Assert.NotEqual(a.Select(ip => ip.Split('.')[1]).Distinct().Single(), b.Select(ip => ip.Split('.')[1]).Distinct().Single());

        await Poll.Until(() => second.Process.Output.Contains("FailedToListen"), "the second daemon's FailedToListen line", 30);
        var (_, described, _) = await second.Sup("describe", "svc", "web");
        Assert.Contains($"Listening:                no: cannot listen on 127.0.0.1:{servicePort}", described);
        Assert.Contains("FailedToListen", described);
        var (_, mine, _) = await first.Sup("describe", "svc", "web");
        Assert.Contains($"Listening:                listening on 127.0.0.1:{servicePort}", mine);

        // Every connection reaches the first daemon's pods, none the second's: the port is not shared.
        var answers = new List<string>();
        for (var i = 0; i < 20; i++) answers.Add(await Ask(servicePort) ?? "no answer");
        Assert.All(answers, line => Assert.Contains(a, ip => line.Contains(ip, StringComparison.Ordinal)));

        Assert.Equal(0, await first.StopAsync());
        // Once the first lets the port go, the second takes it (tried again every few seconds).
        await Poll.Until(() => second.Sup("describe", "svc", "web").GetAwaiter().GetResult().Out.Contains($"listening on 127.0.0.1:{servicePort}"), "the second daemon listening", 30);
        var answer = await Ask(servicePort);
        Assert.Contains(b, ip => answer?.Contains(ip, StringComparison.Ordinal) == true);
        Assert.Equal(0, await second.StopAsync());
    }

    [Fact]
    public async Task Pod_cidr_gives_pods_addresses_of_that_network_and_a_second_daemon_asking_for_the_same_block_exits_3()
    {
        var yaml = Manifest(FreePort(), FreePort());
        await using var first = new SupDaemon(yaml);
        await first.StartAsync(false, "--pod-cidr", "127.77.3.0/24");
        await Poll.Until(() => PodIps(first).GetAwaiter().GetResult().Count == 2, "2 pods", 30);
        Assert.All(await PodIps(first), ip => Assert.StartsWith("127.77.3.", ip));

        var dir = Directory.CreateTempSubdirectory("sup-cidr-").FullName;
        try
        {
            var (code, output) = await SupProcess.RunToEndAsync("run", "-f", first.ManifestPath, "--state-dir", Path.Combine(dir, "state"), "--pod-cidr", "127.77.0.0/16");
            Assert.Equal(3, code);
            Assert.Contains("another sup daemon on this host holds 127.77.0.0/16", output);
            Assert.DoesNotContain("   at ", output);
        }
        finally { Directory.Delete(dir, recursive: true); }
        Assert.Equal(0, await first.StopAsync());
    }

    [Theory]
    [InlineData("127.0.0.0/24", "the host's own addresses")]
    [InlineData("10.0.0.0/16", "not a loopback network")]
    [InlineData("127.5.0.1/16", "bits set past /16")]
    public async Task A_pod_cidr_that_cannot_hold_pods_is_bad_input(string cidr, string says)
    {
        var (code, output) = await SupProcess.RunToEndAsync("run", "--pod-cidr", cidr);
        Assert.Equal(2, code);
        Assert.Contains(says, output);
    }

    [Fact]
    public async Task Listen_on_an_address_other_hosts_reach_needs_listen_any()
    {
        var (code, output) = await SupProcess.RunToEndAsync("run", "--listen", "0.0.0.0:6443");
        Assert.Equal(2, code);
        Assert.Contains("--listen-any", output);
    }
}

using System.Net.Sockets;

namespace MiniKube.Sup.EndToEnd;

/// <summary>kubectl v1.32's port-forward against the daemon: SPDY/3 inside a WebSocket, to a host pod serving HTTP.</summary>
public sealed class KubectlPortForwardTests
{
    /// <summary>A Deployment of one host pod serving HTTP on 8080 and a line per connection on 9000, and a Service web:80 → 8080.</summary>
    internal const string Stack = """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: web
        spec:
          replicas: 1
          selector: {matchLabels: {app: web}}
          template:
            metadata:
              labels: {app: web}
            spec:
              terminationGracePeriodSeconds: 3
              containers:
                - name: app
                  command: ["TESTAPP", "--http", "8080", "--listen", "9000"]
                  ports: [{containerPort: 8080}, {containerPort: 9000}]
        ---
        apiVersion: v1
        kind: Service
        metadata:
          name: web
        spec:
          selector: {app: web}
          ports: [{port: 80, targetPort: 8080}]
        """;

    /// <summary>The daemon running <see cref="Stack"/>, once its pod serves HTTP, and the pod's name.</summary>
    internal static async Task<(SupDaemon Daemon, string Pod)> StartAsync()
    {
        var d = new SupDaemon(Stack);
        await d.StartAsync(listen: true);
        string pod = "";
        await Poll.Until(() =>
        {
            var (code, name, _) = d.Sup("get", "pods", "-l", "app=web", "-o", "jsonpath={.items[0].metadata.name}").GetAwaiter().GetResult();
            pod = name.Trim();
            return code == 0 && pod.Length > 0;
        }, "the deployment's pod", 30);
        await d.WaitForPodAsync(pod);
        await Poll.Until(() => d.Sup("logs", pod).GetAwaiter().GetResult().Out.Contains("http on 127."), "the pod to serve HTTP", 30);
        return (d, pod);
    }

    private static PortForwarder Kubectl(SupDaemon d, params string[] args) =>
        PortForwarder.Start("kubectl", ["port-forward", .. args], new() { ["KUBECONFIG"] = d.Kubeconfig });

    internal static async Task<string> GetAsync(int port, string path)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(20) };
        using var response = await http.GetAsync($"http://127.0.0.1:{port}{path}");
        return $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}";
    }

    [Fact]
    public async Task Port_forward_to_a_pod_reaches_each_of_its_ports_with_many_connections_at_once()
    {
        var (d, pod) = await StartAsync();
        await using var _ = d;
        var local = SupDaemon.FreePort();
        await using var forward = Kubectl(d, $"pod/{pod}", $"{local}:8080", ":9000");
        var ports = await forward.ForwardingAsync(8080, 9000);
        Assert.Equal(local, ports[0]);

        Assert.Equal("200 ok", (await GetAsync(local, "/healthz")).Trim());
        // Twenty connections through one forward, all at once: each is a stream pair of its own.
        var answers = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => GetAsync(local, "/headers")));
        Assert.All(answers, a => Assert.StartsWith("200 ", a));

        // The second port: the test child's --listen answers each connection with one line.
        using var client = new TcpClient();
        await client.ConnectAsync("127.0.0.1", ports[1]);
        var line = await new StreamReader(client.GetStream()).ReadLineAsync();
        Assert.False(string.IsNullOrEmpty(line), "no line through the second port");
        Assert.False(forward.HasExited, forward.Output);
    }

    [Fact]
    public async Task Port_forward_to_a_service_or_a_deployment_reaches_a_pod_behind_it()
    {
        var (d, _) = await StartAsync();
        await using var __ = d;
        // kubectl resolves svc/NAME to a pod and the Service's port 80 to its targetPort itself.
        await using (var service = Kubectl(d, "svc/web", ":80"))
        {
            var ports = await service.ForwardingAsync(8080);
            Assert.Equal("200 ok", (await GetAsync(ports[0], "/healthz")).Trim());
        }
        await using (var deployment = Kubectl(d, "deploy/web", ":8080"))
        {
            var ports = await deployment.ForwardingAsync(8080);
            Assert.Equal("200 ok", (await GetAsync(ports[0], "/healthz")).Trim());
        }
    }

    [Fact]
    public async Task A_connection_to_a_closed_port_is_reported_as_kubectl_reports_it()
    {
        var (d, pod) = await StartAsync();
        await using var _ = d;
        await using var forward = Kubectl(d, $"pod/{pod}", ":9999");
        var ports = await forward.ForwardingAsync(9999);
        using (var client = new TcpClient())
        {
            await client.ConnectAsync("127.0.0.1", ports[0]);
            var read = await client.GetStream().ReadAsync(new byte[16]).AsTask().WaitAsync(TimeSpan.FromSeconds(20));
            Assert.Equal(0, read);
        }
        // kubectl v1.32 prints the error stream's text and gives up the whole forward.
        Assert.NotEqual(0, await forward.WaitForExitAsync());
        Assert.Contains($"an error occurred forwarding {ports[0]} -> 9999: error forwarding port 9999 to pod {pod}", forward.Output);
        Assert.Contains("Connection refused", forward.Output);
        Assert.Contains("error: lost connection to pod", forward.Output);
    }
}

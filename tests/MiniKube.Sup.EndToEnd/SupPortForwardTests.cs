using System.Net.Sockets;

namespace MiniKube.Sup.EndToEnd;

/// <summary>`sup port-forward` with kubectl's arguments, against the daemon's socket.</summary>
public sealed class SupPortForwardTests
{
    private static PortForwarder Sup(SupDaemon d, params string[] args) =>
        PortForwarder.Start(Binaries.Sup, ["port-forward", .. args, "--state-dir", d.StateDir], []);

    [Fact]
    public async Task Sup_port_forward_to_a_service_reaches_its_pod_with_many_connections_at_once()
    {
        var (d, _) = await KubectlPortForwardTests.StartAsync();
        await using var __ = d;
        await using var forward = Sup(d, "svc/web", ":80", "--address", "127.0.0.1");
        var ports = await forward.ForwardingAsync(8080); // the Service's port 80 is its pods' 8080

        Assert.Equal("200 ok", (await KubectlPortForwardTests.GetAsync(ports[0], "/healthz")).Trim());
        var answers = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => KubectlPortForwardTests.GetAsync(ports[0], "/headers")));
        Assert.All(answers, a => Assert.StartsWith("200 ", a));
        Assert.False(forward.HasExited, forward.Output);
    }

    [Fact]
    public async Task Sup_port_forward_to_a_closed_port_reports_it_and_ends_as_kubectl_does()
    {
        var (d, pod) = await KubectlPortForwardTests.StartAsync();
        await using var _ = d;
        var local = SupDaemon.FreePort();
        await using var forward = Sup(d, pod, $"{local}:9999");
        await forward.ForwardingAsync(9999);
        using (var client = new TcpClient())
        {
            await client.ConnectAsync("127.0.0.1", local);
            Assert.Equal(0, await client.GetStream().ReadAsync(new byte[16]).AsTask().WaitAsync(TimeSpan.FromSeconds(20)));
        }
        Assert.Equal(1, await forward.WaitForExitAsync());
        Assert.Contains($"error: an error occurred forwarding {local} -> 9999: error forwarding port 9999 to pod {pod}", forward.Output);
        Assert.Contains("Connection refused", forward.Output);
        Assert.Contains("error: lost connection to pod", forward.Output);

        var (code, _, err) = await d.Sup("port-forward", "svc/web", ":9999");
        Assert.NotEqual(0, code);
        Assert.Contains("Service web does not have a service port 9999", err);
    }
}

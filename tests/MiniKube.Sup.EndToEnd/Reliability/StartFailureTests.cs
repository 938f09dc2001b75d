using System.Net;
using System.Net.Sockets;

namespace MiniKube.Sup.EndToEnd.Reliability;

/// <summary>
/// A daemon that cannot start (a listener that cannot be bound) says why in one line, exits 3 and leaves no pod
/// running; an address that is loopback in any spelling is bound.
/// </summary>
[Collection(ReliabilityCollection.Name)]
public sealed class StartFailureTests
{
    private const string Manifest = """
        apiVersion: v1
        kind: Pod
        metadata:
          name: sleeper
        spec:
          terminationGracePeriodSeconds: 2
          containers:
            - name: app
              command: ["sleep", "infinity"]
        """;

    [Fact]
    public async Task A_listen_port_in_use_exits_3_in_one_line_and_starts_no_pod()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;
        await using var daemon = new SupDaemon(Manifest);

        var (code, output) = await SupProcess.RunToEndAsync("run", "-f", daemon.ManifestPath, "--state-dir", daemon.StateDir,
            "--listen", $"127.0.0.1:{port}");

        Assert.True(code == 3, $"exit code {code}:\n{output}");
        Assert.Contains($"sup: cannot start: ", output);
        Assert.Contains("address already in use", output);
        AssertNoStackTrace(output);
        // Nothing was started, so nothing is left (Dispose checks again, after the state dir's socket is gone).
        await Leftovers.AssertNoneAsync(new StatePaths(daemon.StateDir));
        Assert.DoesNotContain("Started container", output);
        Assert.False(File.Exists(Path.Combine(daemon.StateDir, "sup.sock")), "the socket of a daemon that did not start is left");
    }

    [Fact]
    public async Task An_ipv4_mapped_loopback_address_is_listened_on()
    {
        var port = SupDaemon.FreePort();
        await using var daemon = new SupDaemon(Manifest);
        await daemon.StartAsync(false, "--listen", $"[::ffff:127.0.0.1]:{port}");
        await daemon.WaitForPodAsync("sleeper");

        var (code, output, error) = await daemon.Kubectl("get", "pods", "-o", "name");

        Assert.True(code == 0, $"kubectl: {error}\n{daemon.Process.Output}");
        Assert.Contains("pod/sleeper", output);
        Assert.Equal(0, await daemon.StopAsync());
    }

    [Fact]
    public async Task A_non_loopback_ipv4_mapped_address_is_refused_as_bad_input()
    {
        await using var daemon = new SupDaemon(Manifest);

        var (code, output) = await SupProcess.RunToEndAsync("run", "-f", daemon.ManifestPath, "--state-dir", daemon.StateDir,
            "--listen", "[::ffff:10.1.2.3]:6443");

        Assert.True(code == 2, $"exit code {code}:\n{output}");
        // Mapped to 10.1.2.3: an address other hosts reach, refused without --listen-any.
        Assert.Contains("--listen 10.1.2.3:6443: not a loopback address", output);
        Assert.Contains("--listen-any", output);
        AssertNoStackTrace(output);
    }

    internal static void AssertNoStackTrace(string output) =>
        Assert.False(output.Split('\n').Any(l => l.TrimStart().StartsWith("at ", StringComparison.Ordinal) || l.Contains("Exception:", StringComparison.Ordinal)),
            "a stack trace was printed:\n" + output);
}

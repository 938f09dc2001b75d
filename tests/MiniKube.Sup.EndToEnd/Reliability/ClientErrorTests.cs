using System.Net.Sockets;
using System.Text;

namespace MiniKube.Sup.EndToEnd.Reliability;

/// <summary>
/// The CLI's errors are one line that says what to do: an object over 1 MiB is a validation error (file:line:col) that
/// `validate` and `apply` report before anything is sent, a connection that breaks is one line and no stack trace, an
/// error answer without a body still says what the server answered, and another user is told the socket is not theirs
/// (and whose it is) rather than that no daemon runs.
/// </summary>
[Collection(ReliabilityCollection.Name)]
public sealed class ClientErrorTests
{
    private const string Small = """
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: small
        data:
          a: b

        """;

    [Fact]
    public async Task Validate_reports_an_object_over_1_MiB_where_it_starts()
    {
        var dir = Directory.CreateTempSubdirectory("sup-big-").FullName;
        try
        {
            var file = Path.Combine(dir, "big.yaml");
            File.WriteAllText(file, Small + BigConfigMap(10 << 20));

            var (code, output) = await SupProcess.RunToEndAsync("validate", "-f", file);

            Assert.True(code == 2, $"exit code {code}:\n{output}");
            Assert.Contains($"{file}:8:1: ConfigMap/big: ", output);
            Assert.Contains("1048576 bytes", output);
            StartFailureTests.AssertNoStackTrace(output);
        }
        finally { Directory.Delete(dir, recursive: true); }
    }

    [Fact]
    public async Task Apply_of_an_object_over_1_MiB_says_why_and_changes_nothing()
    {
        await using var daemon = new SupDaemon(Small);
        await daemon.StartAsync();
        var file = Path.Combine(daemon.Dir, "big.yaml");
        File.WriteAllText(file, BigConfigMap(10 << 20).Replace("name: big", "name: other") + "---\n" + BigConfigMap(2 << 20));

        var (code, _, error) = await daemon.Sup("apply", "-f", file);

        Assert.True(code == 2, $"exit code {code}: {error}");
        Assert.Contains("ConfigMap/other: ", error);
        Assert.Contains("ConfigMap/big: ", error);
        Assert.Contains("nothing was applied", error);
        StartFailureTests.AssertNoStackTrace(error);
        var (listed, names, _) = await daemon.Sup("get", "configmaps", "-o", "name");
        Assert.Equal(0, listed);
        Assert.Equal("configmap/small", names.Trim());
        Assert.Equal(0, await daemon.StopAsync());
    }

    [Theory]
    [InlineData("")] // accepts, then closes at once
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{\"kind\":")] // closes in the middle of the body
    [InlineData("garbage that is not http\r\n\r\n")]
    public async Task A_broken_connection_is_one_line(string answer)
    {
        var dir = Directory.CreateTempSubdirectory("sup-broken-").FullName;
        try
        {
            using var server = FakeDaemon(dir, Encoding.ASCII.GetBytes(answer));

            var (code, output, error) = await SupDaemon.Run(Binaries.Sup, ["get", "pods", "--state-dir", dir]);

            Assert.True(code == 1, $"exit code {code}: {output}{error}");
            var lines = error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.True(lines.Length == 1, "more than one line:\n" + error);
            Assert.StartsWith("sup: ", lines[0]);
            Assert.Contains(Path.Combine(dir, "sup.sock"), lines[0]);
            StartFailureTests.AssertNoStackTrace(error);
        }
        finally { Directory.Delete(dir, recursive: true); }
    }

    [Fact]
    public async Task An_error_answer_without_a_body_still_says_what_the_server_answered()
    {
        var dir = Directory.CreateTempSubdirectory("sup-empty-").FullName;
        try
        {
            using var server = FakeDaemon(dir, Encoding.ASCII.GetBytes("HTTP/1.1 500 Internal Server Error\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"));

            var (code, _, error) = await SupDaemon.Run(Binaries.Sup, ["get", "pods", "--state-dir", dir]);

            Assert.Equal(1, code);
            Assert.Contains("Error from server: ", error);
            Assert.Contains("500", error);
        }
        finally { Directory.Delete(dir, recursive: true); }
    }

    [Fact]
    public async Task A_delete_that_outlasts_its_timeout_gives_up_and_says_so()
    {
        await using var daemon = new SupDaemon("""
            apiVersion: v1
            kind: Pod
            metadata:
              name: stubborn
            spec:
              terminationGracePeriodSeconds: 30
              containers:
                - name: app
                  command: ["sh", "-c", "trap '' TERM; while true; do sleep 1; done"]
            """);
        await daemon.StartAsync();
        await daemon.WaitForPodAsync("stubborn");

        // SIGTERM is ignored: the pod goes only when its grace period (5 s here) ends; the wait gives up after 1 s.
        var (code, output, error) = await daemon.Sup("delete", "pod/stubborn", "--grace-period", "5", "--timeout", "1s");

        Assert.True(code == 1, $"exit code {code}: {output}{error}");
        Assert.Contains("pod \"stubborn\" deleted", output);
        Assert.Contains("error: timed out waiting for the deletion of pods/stubborn", error);
        Assert.Equal(0, await daemon.StopAsync());
    }

    [Fact]
    public async Task Another_user_is_told_permission_denied_and_whose_socket_it_is()
    {
        var user = $"supt{Environment.ProcessId % 100000}";
        await using var daemon = new SupDaemon(Small);
        await daemon.StartAsync();
        // The daemon's folder is reachable (a shared project folder); the socket itself is owner-only.
        File.SetUnixFileMode(daemon.Dir, (UnixFileMode)0b111_101_101);
        await Useradd(user);
        try
        {
            var (code, output, error) = await SupDaemon.Run("runuser", ["-u", user, "--", Binaries.Sup, "get", "pods", "--state-dir", daemon.StateDir]);

            Assert.True(code == 1, $"exit code {code}: {output}{error}");
            Assert.Contains("permission denied", error);
            Assert.Contains("root", error);
            Assert.DoesNotContain("no sup daemon is running", error);
            StartFailureTests.AssertNoStackTrace(error);

            // A folder the user cannot enter at all: the same, naming the folder's owner.
            File.SetUnixFileMode(daemon.StateDir, (UnixFileMode)0b111_000_000);
            (code, output, error) = await SupDaemon.Run("runuser", ["-u", user, "--", Binaries.Sup, "get", "pods", "--state-dir", daemon.StateDir]);
            Assert.True(code == 1, $"exit code {code}: {output}{error}");
            Assert.Contains("permission denied", error);
            Assert.Contains("root", error);
            Assert.DoesNotContain("no sup daemon is running", error);
        }
        finally
        {
            await SupDaemon.Run("userdel", ["-r", user]);
        }
        Assert.Equal(0, await daemon.StopAsync());
    }

    private static async Task Useradd(string user)
    {
        await SupDaemon.Run("userdel", ["-r", user]); // left by an earlier run that was killed
        var (code, _, error) = await SupDaemon.Run("useradd", ["-m", user]);
        Assert.True(code == 0, "useradd: " + error);
    }

    private static string BigConfigMap(int bytes) => $"""
        ---
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: big
        data:
          a: "{new string('x', bytes)}"

        """;

    /// <summary>A "daemon" on DIR/sup.sock that answers every connection with <paramref name="answer"/>, then closes it.</summary>
    private static IDisposable FakeDaemon(string dir, byte[] answer)
    {
        var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        listener.Bind(new UnixDomainSocketEndPoint(Path.Combine(dir, "sup.sock")));
        listener.Listen();
        _ = Task.Run(async () =>
        {
            while (true)
            {
                Socket client;
                try { client = await listener.AcceptAsync(); }
                catch (Exception e) when (e is SocketException or ObjectDisposedException) { return; }
                using (client)
                {
                    try
                    {
                        var buffer = new byte[65536];
                        await client.ReceiveAsync(buffer); // the request (its first part is enough)
                        if (answer.Length > 0) await client.SendAsync(answer);
                    }
                    catch (SocketException) { }
                }
            }
        });
        return listener;
    }
}

using System.Net;
using System.Text;
using System.Text.Json;
using Xunit.Abstractions;

namespace MiniKube.Sup.EndToEnd.Reliability;

/// <summary>
/// The state dir's file system fills up (a small tmpfs, filled with a file): every write the API refuses answers a
/// Status that says so ("no space left on device writing …/sup.db"), the CLI prints it and exits non-zero without
/// waiting forever, container output that cannot be written, and batched state (events, pod status) that waits for the disk, are
/// reported in the daemon's log (once, not per line), and once space is freed the same daemon works again.
/// </summary>
[Collection(ReliabilityCollection.Name)]
public sealed class DiskFullTests(ITestOutputHelper log)
{
    private const string Manifest = """
        apiVersion: v1
        kind: Pod
        metadata:
          name: talker
        spec:
          terminationGracePeriodSeconds: 2
          containers:
            - name: app
              command: ["sh", "-c", "while true; do echo talking-$(date +%s%N); sleep 0.02; done"]
        ---
        apiVersion: v1
        kind: Pod
        metadata:
          name: crasher
        spec:
          terminationGracePeriodSeconds: 2
          containers:
            - name: app
              command: ["sh", "-c", "exit 1"]
        ---
        apiVersion: v1
        kind: Pod
        metadata:
          name: victim
        spec:
          terminationGracePeriodSeconds: 2
          containers:
            - name: app
              command: ["sleep", "infinity"]
        """;

    private const string ConfigMap = """
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: settings
        data:
          a: b
        """;

    [Fact]
    public async Task A_full_disk_is_reported_in_every_answer_and_the_daemon_recovers()
    {
        var daemon = new SupDaemon(Manifest) { BackoffBase = "0.2" };
        Directory.CreateDirectory(daemon.StateDir);
        await Mount(daemon.StateDir, "size=4m,mode=0700"); // a state dir must be its owner's alone
        try
        {
            try
            {
                await daemon.StartAsync();
                await daemon.WaitForPodAsync("talker");
                await daemon.WaitForPodAsync("victim");
                var configMap = Path.Combine(daemon.Dir, "settings.yaml");
                File.WriteAllText(configMap, ConfigMap);

                var filler = Fill(Path.Combine(daemon.StateDir, "filler"));

                // apply: the Status's message, printed by the CLI, exit code not 0.
                var (code, _, error) = await daemon.Sup("apply", "-f", configMap);
                log.WriteLine($"sup apply: {error.Trim()}");
                Assert.True(code != 0, "sup apply succeeded on a full disk");
                Assert.Contains("no space left on device writing ", error);
                Assert.Contains("sup.db", error);

                // The API answers a Status with that message (not an empty 500).
                using var http = SocketHttp.Create(daemon.StateDir);
                using var post = await http.PostAsync("/api/v1/namespaces/default/configmaps",
                    new StringContent("""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"raw"},"data":{"a":"b"}}""", Encoding.UTF8, "application/json"));
                Assert.Equal(HttpStatusCode.InternalServerError, post.StatusCode);
                var status = JsonDocument.Parse(await post.Content.ReadAsStringAsync()).RootElement;
                Assert.Equal("Status", status.GetProperty("kind").GetString());
                Assert.Contains("no space left on device writing ", status.GetProperty("message").GetString());

                // delete: refused, said so, and no wait for a deletion that is not happening (SupDaemon.Run gives up
                // after a minute, which fails the test).
                (code, _, error) = await daemon.Sup("delete", "pod/victim");
                log.WriteLine($"sup delete: {error.Trim()}");
                Assert.True(code == 1, $"sup delete: exit {code}: {error}");
                Assert.Contains("no space left on device writing ", error);

                // Container output and events that cannot be written are said to be lost, in the daemon's log.
                await daemon.Process.WaitForLineAsync("of container logs lost", 30);
                await daemon.Process.WaitForLineAsync("not saved yet", 30);
                Assert.Contains(daemon.Process.Lines, l => l.Contains("not saved yet") && l.Contains("no space left on device"));
                // The events themselves are still served.
                (code, _, error) = await daemon.Sup("events");
                Assert.True(code == 0, "sup events: " + error);

                // Space comes back: the same daemon works again.
                File.Delete(filler);
                (code, var output, error) = await daemon.Sup("apply", "-f", configMap);
                Assert.True(code == 0, $"sup apply after space was freed: {error}");
                Assert.Contains("configmap/settings created", output);
                (code, _, error) = await daemon.Sup("delete", "pod/victim");
                Assert.True(code == 0, $"sup delete after space was freed: {error}");
                await daemon.Process.WaitForLineAsync("container logs are written again", 30);
                await daemon.Process.WaitForLineAsync("state is saved again", 30);

                // Reported, not flooded: a handful of lines, however many writes failed.
                Assert.InRange(daemon.Process.Lines.Count(l => l.Contains("of container logs lost")), 1, 3);
                Assert.InRange(daemon.Process.Lines.Count(l => l.Contains("not saved yet")), 1, 3);
                StartFailureTests.AssertNoStackTrace(daemon.Process.Output);
                Assert.Equal(0, await daemon.StopAsync());
            }
            finally
            {
                log.WriteLine(string.Join("\n", daemon.Process.Lines.Where(l => !l.Contains("talking-", StringComparison.Ordinal))));
                await daemon.DisposeAsync();
            }
        }
        finally
        {
            await SupDaemon.Run("umount", [daemon.StateDir]);
            Directory.Delete(daemon.Dir, recursive: true);
        }
    }

    private static async Task Mount(string dir, string options)
    {
        var (code, _, error) = await SupDaemon.Run("mount", ["-t", "tmpfs", "-o", options, "tmpfs", dir]);
        Assert.True(code == 0, "mount: " + error);
    }

    /// <summary>Writes <paramref name="path"/> until the file system has no room left.</summary>
    private static string Fill(string path)
    {
        using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 0);
        var chunk = new byte[64 * 1024];
        try
        {
            while (true) file.Write(chunk);
        }
        catch (IOException)
        {
            // full (a smaller write might still fit a last page: fill that too)
        }
        try
        {
            while (true) file.Write(chunk, 0, 512);
        }
        catch (IOException) { }
        return path;
    }
}

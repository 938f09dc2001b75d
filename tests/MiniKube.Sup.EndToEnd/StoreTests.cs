using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace MiniKube.Sup.EndToEnd;

/// <summary>The one store through a real daemon, kubectl and `sup`: spec and status apart, writes conditional on the
/// version read, and what a restart needs kept (uids, creation times, versions, revisions).</summary>
public sealed class StoreTests
{
    private const string Web = """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: web
        spec:
          replicas: REPLICAS
          selector:
            matchLabels: {app: web}
          template:
            metadata:
              labels: {app: web}
            spec:
              terminationGracePeriodSeconds: 2
              containers:
                - name: app
                  command: ["TESTAPP"]
                  args: ["--print", "VERSION"]
        """;

    private static string Manifest(int replicas = 1, string version = "v1") =>
        Web.Replace("REPLICAS", replicas.ToString(CultureInfo.InvariantCulture)).Replace("VERSION", version);

    private static async Task<JsonNode> Get(SupDaemon d, params string[] what)
    {
        var (code, output, err) = await d.Sup(["get", .. what, "-o", "json"]);
        Assert.True(code == 0, err);
        return JsonNode.Parse(output)!;
    }

    private static async Task Available(SupDaemon d, int replicas) =>
        await Poll.Until(() => (Get(d, "deploy", "web").GetAwaiter().GetResult()["status"]?["availableReplicas"]?.GetValue<int>() ?? 0) == replicas,
            $"{replicas} available", 60);

    [Fact]
    public async Task An_apply_of_a_changed_spec_keeps_the_status_and_bumps_the_generation()
    {
        await using var d = new SupDaemon(Manifest(replicas: 1));
        await d.StartAsync();
        await Available(d, 1);
        var before = await Get(d, "deploy", "web");

        d.WriteManifest(Manifest(replicas: 2));
        var (code, output, err) = await d.Sup("apply", "-f", d.ManifestPath);
        Assert.True(code == 0, err);
        Assert.Contains("configured", output);
        // Read at once: the apply wrote the spec only; the status the controller wrote is still there.
        var after = await Get(d, "deploy", "web");
        Assert.Equal(2, after["spec"]!["replicas"]!.GetValue<int>());
        Assert.True(after["status"]?["availableReplicas"]?.GetValue<int>() >= 1, after.ToJsonString());
        Assert.Equal(before["metadata"]!["generation"]!.GetValue<long>() + 1, after["metadata"]!["generation"]!.GetValue<long>());
        Assert.Equal(before["metadata"]!["uid"]!.GetValue<string>(), after["metadata"]!["uid"]!.GetValue<string>());
        Assert.Equal(0, await d.StopAsync());
    }

    [Fact]
    public async Task Two_writers_of_one_version_get_one_success_and_one_409_as_from_the_api_server()
    {
        await using var d = new SupDaemon("""
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: settings}
            data: {mode: one}
            """);
        await d.StartAsync(listen: true);
        var read = (await Get(d, "configmap", "settings")).AsObject();
        var dir = Path.Combine(d.Dir, "writers");
        Directory.CreateDirectory(dir);
        string Writer(string mode)
        {
            var copy = read.DeepClone();
            copy["data"]!["mode"] = mode;
            var path = Path.Combine(dir, mode + ".json");
            File.WriteAllText(path, copy.ToJsonString());
            return path;
        }
        var first = await d.Kubectl("replace", "--validate=false", "-f", Writer("two"));
        Assert.True(first.Code == 0, first.Err);
        var second = await d.Kubectl("replace", "--validate=false", "-f", Writer("three"));
        Assert.NotEqual(0, second.Code);
        Assert.Contains("Conflict", second.Err);
        Assert.Contains("the object has been modified; please apply your changes to the latest version and try again", second.Err);
        Assert.Equal("two", (await Get(d, "configmap", "settings"))["data"]!["mode"]!.GetValue<string>());

        // A patch or a delete carrying a stale version, or another uid, is refused the same way.
        var stale = read["metadata"]!["resourceVersion"]!.GetValue<string>();
        var patch = await d.Kubectl("patch", "configmap", "settings", "--type=merge", "-p",
            $"{{\"metadata\":{{\"resourceVersion\":\"{stale}\"}},\"data\":{{\"mode\":\"four\"}}}}");
        Assert.NotEqual(0, patch.Code);
        Assert.Contains("Conflict", patch.Err);
        var delete = await Curl(d, "DELETE", "/api/v1/namespaces/default/configmaps/settings", $"{{\"preconditions\":{{\"resourceVersion\":\"{stale}\"}}}}");
        Assert.Contains("\"code\":409", delete);
        delete = await Curl(d, "DELETE", "/api/v1/namespaces/default/configmaps/settings", "{\"preconditions\":{\"uid\":\"not-its-uid\"}}");
        Assert.Contains("\"code\":409", delete);
        Assert.Equal("two", (await Get(d, "configmap", "settings"))["data"]!["mode"]!.GetValue<string>());
        Assert.Equal(0, await d.StopAsync());
    }

    [Fact]
    public async Task A_restart_keeps_uids_creation_times_and_revisions_versions_never_go_back_and_undo_still_works()
    {
        await using var d = new SupDaemon(Manifest(version: "v1"));
        await d.StartAsync();
        await Available(d, 1);
        d.WriteManifest(Manifest(version: "v2"));
        var (code, _, err) = await d.Sup("apply", "-f", d.ManifestPath);
        Assert.True(code == 0, err);
        (code, _, err) = await d.Sup("rollout", "status", "deployment/web", "--timeout", "60");
        Assert.True(code == 0, err);
        var before = await Get(d, "deploy", "web");
        var versionBefore = long.Parse(before["metadata"]!["resourceVersion"]!.GetValue<string>(), CultureInfo.InvariantCulture);
        await Task.Delay(1100); // an AGE counted from the start of the new daemon would be visibly younger
        Assert.Equal(0, await d.StopAsync());

        await d.StartAsync();
        var after = await Get(d, "deploy", "web");
        Assert.Equal(before["metadata"]!["uid"]!.GetValue<string>(), after["metadata"]!["uid"]!.GetValue<string>());
        Assert.Equal(before["metadata"]!["creationTimestamp"]!.GetValue<string>(), after["metadata"]!["creationTimestamp"]!.GetValue<string>());
        var versionAfter = long.Parse(after["metadata"]!["resourceVersion"]!.GetValue<string>(), CultureInfo.InvariantCulture);
        Assert.True(versionAfter > versionBefore, $"{versionAfter} > {versionBefore}");

        var (_, history, _) = await d.Sup("rollout", "history", "deployment/web");
        Assert.Matches(@"REVISION\s+CHANGE-CAUSE\n1\s+<none>\n2\s+<none>\n", history);
        (code, var output, err) = await d.Sup("rollout", "undo", "deployment/web");
        Assert.True(code == 0, err);
        Assert.Equal("deployment.apps/web rolled back\n", output);
        await Poll.Until(() => Get(d, "deploy", "web").GetAwaiter().GetResult()["spec"]!["template"]!["spec"]!["containers"]![0]!["args"]![1]!.GetValue<string>() == "v1",
            "the v1 template back", 30);
        (code, _, err) = await d.Sup("rollout", "status", "deployment/web", "--timeout", "60");
        Assert.True(code == 0, err);
        Assert.Equal(0, await d.StopAsync());
    }

    [Fact]
    public async Task A_subscriber_that_throws_at_every_change_leaves_every_process_running()
    {
        await using var h = new PodHarness();
        var failures = 0;
        await using var broken = h.Store.Subscribe("broken", _ => true, _ =>
        {
            Interlocked.Increment(ref failures);
            throw new InvalidOperationException("a subscriber with a bug");
        });
        var worker = h.Run("steady", "Always", 5, PodHarness.TestApp("app"));
        await Poll.Until(() => h.Status("steady").State?.Running is not null, "steady running");
        var pid = worker.Running.Single().MasterPid;
        // More changes for it to choke on: other pods start and write their status.
        h.Run("other", "Always", 5, PodHarness.TestApp("app"));
        await Poll.Until(() => h.Status("other").State?.Running is not null && Volatile.Read(ref failures) >= 4, "more changes");
        await broken.IdleAsync().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(pid, worker.Running.Single().MasterPid);
        Assert.False(Leftovers.IsGone(pid));
        Assert.Equal(0, h.Status("steady").RestartCount);
        Assert.Equal("Running", h.Get("steady")!.Status.Phase);
    }

    /// <summary>A raw request to the API's Unix socket (for what neither kubectl nor sup sends, e.g. delete
    /// preconditions).</summary>
    private static async Task<string> Curl(SupDaemon d, string method, string path, string body)
    {
        var (_, output, err) = await SupDaemon.Run("curl", ["-sS", "--unix-socket", Path.Combine(d.StateDir, "sup.sock"), "-X", method,
            "-H", "Content-Type: application/json", "--data", body, "http://sup" + path]);
        return output + err;
    }
}

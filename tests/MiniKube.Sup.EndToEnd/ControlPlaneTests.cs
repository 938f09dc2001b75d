using System.Text.Json;
using System.Text.RegularExpressions;
using MiniKube.Sup.Processes;

namespace MiniKube.Sup.EndToEnd;

/// <summary>The control plane end to end: the real daemon, its API on the Unix socket, and the `sup` CLI.</summary>
public sealed partial class ControlPlaneTests
{
    private const string Stack = """
        apiVersion: v1
        kind: Pod
        metadata:
          name: web
          labels:
            app: web
        spec:
          terminationGracePeriodSeconds: 5
          containers:
            - name: app
              command: ["TESTAPP"]
              args: ["--print", "web-1", "--print", "web-2", "--print", "web-3"]
        ---
        apiVersion: v1
        kind: Pod
        metadata:
          name: crasher
          labels:
            app: crasher
        spec:
          containers:
            - name: app
              command: ["TESTAPP"]
              args: ["--print", "crasher-up", "--exit-after", "300", "--code", "4"]
        ---
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: settings
        data:
          mode: demo
        """;

    [Fact]
    public async Task Get_pods_prints_kubectl_columns_and_json_carries_full_status()
    {
        await using var d = new SupDaemon(Stack);
        await d.StartAsync();
        await d.WaitForPodAsync("web");

        var (code, table, _) = await d.Sup("get", "pods");
        Assert.Equal(0, code);
        var lines = table.TrimEnd().Split('\n');
        Assert.Matches(@"^NAME\s{3,}READY\s{3}STATUS\s{3,}RESTARTS\s{3,}AGE$", lines[0]);
        Assert.Contains(lines, l => Regex.IsMatch(l, @"^web\s+1/1\s+Running\s+0\s+\d+s$"));

        var (_, wide, _) = await d.Sup("get", "pods", "-o", "wide");
        Assert.Matches(@"^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\s+IP\s+NODE", wide.Split('\n')[0]);

        var (_, json, _) = await d.Sup("get", "pods", "-o", "json");
        using var doc = JsonDocument.Parse(json);
        Assert.Equal("List", doc.RootElement.GetProperty("kind").GetString());
        var web = doc.RootElement.GetProperty("items").EnumerateArray().Single(i => i.GetProperty("metadata").GetProperty("name").GetString() == "web");
        var status = web.GetProperty("status");
        Assert.Equal("Running", status.GetProperty("phase").GetString());
        Assert.Contains(status.GetProperty("conditions").EnumerateArray(), c => c.GetProperty("type").GetString() == "Ready" && c.GetProperty("status").GetString() == "True");
        var container = status.GetProperty("containerStatuses")[0];
        Assert.True(container.GetProperty("ready").GetBoolean());
        Assert.True(container.GetProperty("started").GetBoolean());
        Assert.Equal(0, container.GetProperty("restartCount").GetInt32());
        Assert.True(container.GetProperty("state").TryGetProperty("running", out _));

        var (_, yaml, _) = await d.Sup("get", "pod/web", "-o", "yaml");
        Assert.Contains("kind: Pod", yaml);
        Assert.Contains("phase: Running", yaml);

        var (_, labelled, _) = await d.Sup("get", "pods", "-l", "app=crasher", "-o", "name");
        Assert.Equal("pod/crasher", labelled.Trim());

        var (_, cm, _) = await d.Sup("get", "cm");
        Assert.Matches(@"settings\s+1\s+\d+s", cm); // NAME DATA AGE, as kubectl
    }

    [Fact]
    public async Task Logs_serve_current_tail_previous_and_selector_with_prefixes()
    {
        await using var d = new SupDaemon(Stack);
        await d.StartAsync();
        await d.WaitForPodAsync("web");
        await Poll.Until(() => d.Sup("logs", "web").GetAwaiter().GetResult().Out.Contains("web-3"), "web's output");

        var (_, all, _) = await d.Sup("logs", "web");
        Assert.Equal("web-1\nweb-2\nweb-3\n", all);
        var (_, tail, _) = await d.Sup("logs", "web", "--tail", "1");
        Assert.Equal("web-3\n", tail);

        await Poll.Until(() => d.Sup("logs", "crasher", "--previous").GetAwaiter().GetResult().Code == 0, "a previous crasher instance");
        var (_, previous, _) = await d.Sup("logs", "crasher", "--previous");
        Assert.Contains("crasher-up", previous);
        Assert.Contains("exiting with 4", previous);

        var (_, selected, _) = await d.Sup("logs", "-l", "app=web");
        Assert.Contains("[pod/web/app] web-2", selected);

        var (code, _, err) = await d.Sup("logs", "nope");
        Assert.Equal(1, code);
        Assert.Contains("Error from server (NotFound): pods \"nope\" not found", err);
    }

    [Fact]
    public async Task Describe_and_events_show_restarts_with_upstream_reasons()
    {
        await using var d = new SupDaemon(Stack);
        await d.StartAsync();
        // At least two: the poll may miss the moment it is exactly two.
        await Poll.Until(() => Regex.IsMatch(d.Sup("get", "pod", "crasher", "-o", "json").GetAwaiter().GetResult().Out, "\"restartCount\": ([2-9]|\\d\\d)"), "two restarts");

        var (code, describe, _) = await d.Sup("describe", "pod/crasher");
        Assert.Equal(0, code);
        Assert.Matches(@"Name:\s+crasher", describe);
        Assert.Matches(@"Last State:\s+Terminated\n\s+Reason:\s+Error\n\s+Exit Code:\s+4", describe);
        Assert.Matches(@"Restart Count:\s+\d", describe);
        Assert.Contains("BackOff", describe);
        Assert.Contains("Started container app", describe);

        var (_, events, _) = await d.Sup("events");
        Assert.Matches(@"^LAST SEEN\s+TYPE\s+REASON\s+OBJECT\s+MESSAGE", events);
        Assert.Matches(@"Warning\s+BackOff\s+pod/crasher\s+Back-off restarting failed container app", events);
    }

    [Fact]
    public async Task Apply_creates_configures_leaves_unchanged_and_rejects_invalid_files()
    {
        await using var d = new SupDaemon(Stack);
        await d.StartAsync();
        var extra = Path.Combine(d.Dir, "extra.yaml");
        string Pod(string text) => $"""
            apiVersion: v1
            kind: Pod
            metadata:
              name: extra
            spec:
              terminationGracePeriodSeconds: 3
              containers:
                - name: app
                  command: ["{Binaries.TestApp}"]
                  args: ["--print", "{text}"]
            """;
        File.WriteAllText(extra, Pod("first"));
        Assert.Equal((0, "pod/extra created\n"), Pick(await d.Sup("apply", "-f", extra)));
        await d.WaitForPodAsync("extra");
        var uid1 = Uid(await d.Sup("get", "pod", "extra", "-o", "json"));

        Assert.Equal((0, "pod/extra unchanged\n"), Pick(await d.Sup("apply", "-f", extra)));
        Assert.Equal(uid1, Uid(await d.Sup("get", "pod", "extra", "-o", "json")));

        File.WriteAllText(extra, Pod("second"));
        Assert.Equal((0, "pod/extra configured\n"), Pick(await d.Sup("apply", "-f", extra)));
        await Poll.Until(() => d.Sup("logs", "extra").GetAwaiter().GetResult().Out.Contains("second"), "the replaced pod");
        Assert.NotEqual(uid1, Uid(await d.Sup("get", "pod", "extra", "-o", "json")));

        File.WriteAllText(extra, Pod("third").Replace("containers:", "containerz:"));
        var (code, _, err) = await d.Sup("apply", "-f", extra);
        Assert.Equal(2, code);
        Assert.Contains("unknown field \"containerz\"", err);
        Assert.Contains("nothing was applied", err);
        Assert.Contains("second", (await d.Sup("logs", "extra")).Out);

        Assert.Equal(0, (await d.Sup("delete", "pod/extra")).Code);
        Assert.Equal(1, (await d.Sup("get", "pod", "extra")).Code);
    }

    [Fact]
    public async Task Apply_and_delete_read_a_directory_its_subdirectories_with_R_and_standard_input()
    {
        await using var d = new SupDaemon(Stack);
        await d.StartAsync();
        static string Map(string name) => $"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {name}\ndata:\n  k: v\n";
        var dir = Path.Combine(d.Dir, "manifests");
        Directory.CreateDirectory(Path.Combine(dir, "sub"));
        File.WriteAllText(Path.Combine(dir, "b.yml"), Map("from-b"));
        File.WriteAllText(Path.Combine(dir, "a.yaml"), Map("from-a"));
        File.WriteAllText(Path.Combine(dir, "c.json"), """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"from-c"}}""");
        File.WriteAllText(Path.Combine(dir, "notes.txt"), "not a manifest");
        File.WriteAllText(Path.Combine(dir, "sub", "d.yaml"), Map("from-d"));

        // kubectl's order: by name; a subdirectory only with -R.
        Assert.Equal((0, "configmap/from-a created\nconfigmap/from-b created\nconfigmap/from-c created\n"), Pick(await d.Sup("apply", "-f", dir)));
        Assert.Equal(1, (await d.Sup("get", "cm", "from-d")).Code);
        Assert.Equal((0, "configmap/from-a unchanged\nconfigmap/from-b unchanged\nconfigmap/from-c unchanged\nconfigmap/from-d created\n"), Pick(await d.Sup("apply", "-R", "-f", dir)));

        Assert.Equal((0, "configmap/from-stdin created\n"), Pick(await d.SupWithInput(Map("from-stdin"), "apply", "-f", "-")));
        Assert.Equal(0, (await d.Sup("get", "cm", "from-stdin")).Code);

        var empty = Path.Combine(d.Dir, "empty");
        Directory.CreateDirectory(empty);
        var (code, _, err) = await d.Sup("apply", "-f", empty);
        Assert.Equal(2, code);
        Assert.Contains("no manifest files in this directory", err);

        var (deleted, said, _) = await d.Sup("delete", "-R", "-f", dir);
        Assert.Equal(0, deleted);
        Assert.Equal(["configmap \"from-a\" deleted", "configmap \"from-b\" deleted", "configmap \"from-c\" deleted", "configmap \"from-d\" deleted"], said.Trim().Split('\n'));
        Assert.Contains("from-stdin", (await d.Sup("get", "cm")).Out);
        Assert.DoesNotContain("from-a", (await d.Sup("get", "cm")).Out);
        Assert.Equal(0, (await d.SupWithInput(Map("from-stdin"), "delete", "-f", "-")).Code);
        Assert.Equal(1, (await d.Sup("get", "cm", "from-stdin")).Code);
    }

    [Fact]
    public async Task SIGHUP_reloads_the_files_touching_only_what_changed()
    {
        await using var d = new SupDaemon(Stack);
        await d.StartAsync();
        await d.WaitForPodAsync("web");
        var webUid = Uid(await d.Sup("get", "pod", "web", "-o", "json"));

        // Remove crasher, add extra, change the ConfigMap, keep web as it was.
        d.WriteManifest(Stack.Replace("name: crasher", "name: extra").Replace("\"--exit-after\", \"300\", \"--code\", \"4\"", "\"--print\", \"x\"")
            .Replace("mode: demo", "mode: production"));
        d.Process.Signal(Native.SIGHUP);
        await d.WaitForPodAsync("extra");
        Assert.Contains("\"mode\": \"production\"", (await d.Sup("get", "cm", "settings", "-o", "json")).Out);
        await Poll.Until(() => d.Sup("get", "pod", "crasher").GetAwaiter().GetResult().Code == 1, "crasher removed");
        Assert.Equal(webUid, Uid(await d.Sup("get", "pod", "web", "-o", "json")));

        // A file with errors changes nothing, and says why.
        d.WriteManifest("apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containerz: []\n");
        d.Process.Signal(Native.SIGHUP);
        await d.Process.WaitForLineAsync("reload rejected");
        Assert.Contains("unknown field \"containerz\"", d.Process.Output);
        Assert.Equal(webUid, Uid(await d.Sup("get", "pod", "web", "-o", "json")));
        Assert.Equal(0, (await d.Sup("get", "pod", "extra")).Code);
    }

    [Fact]
    public async Task Applied_objects_and_events_survive_a_daemon_restart()
    {
        await using var d = new SupDaemon(Stack);
        await d.StartAsync();
        var extra = Path.Combine(d.Dir, "extra.yaml");
        File.WriteAllText(extra, $"apiVersion: v1\nkind: Pod\nmetadata:\n  name: applied\nspec:\n  containers:\n    - name: app\n      command: [\"{Binaries.TestApp}\"]\n");
        Assert.Equal(0, (await d.Sup("apply", "-f", extra)).Code);
        await d.WaitForPodAsync("applied");
        Assert.Equal(0, await d.StopAsync());

        await d.StartAsync();
        await d.WaitForPodAsync("applied");
        await d.WaitForPodAsync("web");
        var (_, events, _) = await d.Sup("events");
        Assert.Contains("Stopping container app", events); // recorded by the first run
    }

    [Fact]
    public async Task Ps_shows_the_master_and_its_six_workers()
    {
        await using var d = new SupDaemon("""
            apiVersion: v1
            kind: Pod
            metadata:
              name: apache
            spec:
              containers:
                - name: httpd
                  command: ["TESTAPP"]
                  args: ["--workers", "6"]
            """);
        await d.StartAsync();
        JsonElement processes = default;
        await Poll.Until(() =>
        {
            var (code, json, _) = d.Sup("ps", "apache", "-o", "json").GetAwaiter().GetResult();
            if (code != 0) return false;
            processes = JsonDocument.Parse(json).RootElement.GetProperty("pods")[0].GetProperty("containers")[0].GetProperty("processes").Clone();
            return processes.GetArrayLength() == 7;
        }, "1 master + 6 workers");
        var roles = processes.EnumerateArray().Select(p => p.GetProperty("role").GetString()).ToList();
        Assert.Equal(1, roles.Count(r => r == "master"));
        Assert.Equal(6, roles.Count(r => r == "worker"));
        var master = processes.EnumerateArray().Single(p => p.GetProperty("role").GetString() == "master");
        Assert.All(processes.EnumerateArray().Where(p => p.GetProperty("role").GetString() == "worker"),
            w => Assert.Equal(master.GetProperty("pid").GetInt32(), w.GetProperty("ppid").GetInt32()));
        Assert.True(master.GetProperty("rssBytes").GetInt64() > 0);

        var (_, table, _) = await d.Sup("ps");
        Assert.Matches(@"PID\s+PPID\s+ROLE\s+USER\s+STATE\s+CPU%\s+RSS\s+COMMAND", table);
        var user = Environment.UserName;
        Assert.Equal(6, Regex.Matches(table, $@"\s+worker\s+{Regex.Escape(user)}\s+[RSD]\s").Count);
    }

    [Fact]
    public async Task Wait_top_and_events_watch_serve_scripts_and_people()
    {
        await using var d = new SupDaemon(Stack);
        await d.StartAsync();

        var (ready, readyOut, _) = await d.Sup("wait", "--for=condition=Ready", "pod/web", "--timeout", "30s");
        Assert.Equal(0, ready);
        Assert.Equal("pod/web condition met\n", readyOut);
        var (timedOut, _, timeoutErr) = await d.Sup("wait", "--for=condition=Ready=False", "pod/web", "--timeout", "1s");
        Assert.Equal(1, timedOut);
        Assert.Contains("timed out waiting for the condition on pods/web", timeoutErr);

        // Off a terminal, top prints one plain block per refresh, without control codes. (Six seconds for two
        // refreshes: two did not always fit in two seconds on a loaded 2-core machine.)
        var (topCode, top, _) = await SupDaemon.Run("timeout", ["6", Binaries.Sup, "top", "web", "--interval", "0.5", "--state-dir", d.StateDir]);
        Assert.Equal(124, topCode);
        Assert.True(Regex.Matches(top, @"POD/CONTAINER/PID").Count >= 2, top);
        Assert.DoesNotContain("\e[", top);

        var (watchCode, watched, _) = await SupDaemon.Run("timeout", ["4", Binaries.Sup, "events", "-w", "--state-dir", d.StateDir]);
        Assert.Equal(124, watchCode);
        Assert.Matches(@"Warning\s+BackOff\s+pod/crasher", watched); // the crasher backs off while we watch
    }

    [Fact]
    public async Task Waits_follow_deletions_and_absences_with_kubectl_messages_and_end_when_the_daemon_stops()
    {
        await using var d = new SupDaemon(Stack);
        await d.StartAsync();
        await d.WaitForPodAsync("web");

        Assert.Equal((1, "", "Error from server (NotFound): pods \"nope\" not found\n"), await d.Sup("wait", "--for=condition=Ready", "pod/nope", "--timeout", "30s"));
        Assert.Equal((0, "pod/nope condition met\n", ""), await d.Sup("wait", "--for=delete", "pod/nope", "--timeout", "0s"));

        Assert.Equal((0, "pod \"web\" deleted\n", ""), await d.Sup("delete", "pod/web", "--wait=false"));
        Assert.Equal((0, "pod/web condition met\n", ""), await d.Sup("wait", "--for=delete", "pod/web", "--timeout", "60s"));

        // A ConfigMap has no conditions: this wait lasts until the daemon stops, then says so in one line at once (or,
        // started after the stop, waits for a daemon to start within its timeout, as for `sup run & sup wait`, then
        // says there is none).
        var waiting = d.Sup("wait", "--for=condition=Ready", "configmap/settings", "--timeout", "20s");
        Assert.Equal(0, await d.StopAsync());
        var (code, output, error) = await waiting;
        Assert.True(code == 1, $"exit code {code}: {output}{error}");
        Assert.Matches(@"^sup: .*sup daemon .*\n$", error);
    }

    [Fact]
    public async Task Client_errors_are_one_line_with_exit_codes()
    {
        var dir = Directory.CreateTempSubdirectory("sup-nodaemon-").FullName;
        try
        {
            var (code, _, err) = await SupDaemon.Run(Binaries.Sup, ["get", "pods", "--state-dir", dir]);
            Assert.Equal(1, code);
            Assert.Contains("no sup daemon is running", err);
            Assert.Contains("sup run", err);
            Assert.Single(err.Trim().Split('\n'));

            var (badKind, _, kindErr) = await SupDaemon.Run(Binaries.Sup, ["get", "gizmos", "--state-dir", dir]);
            Assert.Equal(2, badKind);
            Assert.Contains("doesn't have a resource type \"gizmos\"", kindErr);

            var (badArg, _, _) = await SupDaemon.Run(Binaries.Sup, ["get", "pods", "-o", "xml", "--state-dir", dir]);
            Assert.Equal(2, badArg);
        }
        finally { Directory.Delete(dir, recursive: true); }
    }

    [Fact]
    public async Task Socket_is_owner_only_and_a_second_daemon_on_the_same_state_dir_exits_3()
    {
        await using var d = new SupDaemon(Stack);
        await d.StartAsync();
        var mode = File.GetUnixFileMode(Path.Combine(d.StateDir, "sup.sock"));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, mode);
        var (code, _, err) = await SupDaemon.Run(Binaries.Sup, ["run", "-f", d.ManifestPath, "--state-dir", d.StateDir]);
        Assert.Equal(3, code);
        Assert.Contains("another sup daemon is running", err);
        Assert.Equal(0, (await d.Sup("get", "pods")).Code);
    }

    private static (int, string) Pick((int Code, string Out, string Err) r) => (r.Code, r.Out);

    private static string Uid((int Code, string Out, string Err) r) =>
        JsonDocument.Parse(r.Out).RootElement.GetProperty("metadata").GetProperty("uid").GetString()!;
}

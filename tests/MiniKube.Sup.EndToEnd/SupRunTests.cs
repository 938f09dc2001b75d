using MiniKube.Sup.Processes;

namespace MiniKube.Sup.EndToEnd;

/// <summary>`sup run` and `sup validate` as a user runs them: the real executable, real signals.</summary>
public sealed class SupRunTests : IAsyncLifetime
{
    private readonly string _dir = Directory.CreateTempSubdirectory("sup-run-").FullName;
    private string StateDir => Path.Combine(_dir, "state");

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await Leftovers.AssertNoneAsync(new StatePaths(StateDir));
        Directory.Delete(_dir, recursive: true);
    }

    private string Manifest(string yaml)
    {
        var path = Path.Combine(_dir, "supervisor.yaml");
        File.WriteAllText(path, yaml.Replace("TESTAPP", Binaries.TestApp));
        return path;
    }

    private const string Stack = """
        apiVersion: v1
        kind: Pod
        metadata:
          name: shell
        spec:
          terminationGracePeriodSeconds: 5
          containers:
            - name: loop
              command: ["sh", "-c", "echo shell-up; while true; do sleep 0.05; done"]
        ---
        apiVersion: v1
        kind: Pod
        metadata:
          name: apache
        spec:
          terminationGracePeriodSeconds: 5
          containers:
            - name: httpd
              command: ["TESTAPP"]
              args: ["--workers", "6", "--print", "apache-up"]
        ---
        apiVersion: v1
        kind: Pod
        metadata:
          name: forker
        spec:
          terminationGracePeriodSeconds: 5
          containers:
            - name: app
              command: ["TESTAPP"]
              args: ["--daemonize", "--print", "forker-up"]
        """;

    [Fact]
    public async Task Run_shows_prefixed_output_and_SIGTERM_stops_everything_with_exit_0()
    {
        await using var sup = SupProcess.Start("run", "-f", Manifest(Stack), "--state-dir", StateDir);
        await sup.WaitForLineAsync("shell/loop | shell-up");
        await sup.WaitForLineAsync("apache/httpd | apache-up");
        await sup.WaitForLineAsync("forker/app | forker-up");
        await sup.WaitForLineAsync("forker/app | daemon ");
        sup.Signal(Native.SIGTERM);
        Assert.Equal(0, await sup.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        Assert.Contains("all pods stopped", sup.Output);
        // Off a terminal, plain lines: no live table, no control code (the terminal's view: Terminal/LiveViewTests).
        Assert.DoesNotContain("\e", sup.Output);
        Assert.DoesNotContain(sup.Lines, l => l.StartsWith("NAME ", StringComparison.Ordinal));
        // Nothing of ours is left running: checked for every test in DisposeAsync (Leftovers). The test host is a
        // subreaper itself (other tests run pods in-process), so zombies cannot be told apart by parent here.
    }

    [Fact]
    public async Task An_appsettings_json_in_the_working_directory_is_not_the_daemons_configuration()
    {
        // A user's app's settings where sup is run: its Kestrel endpoint once made the daemon listen there too.
        var port = SupDaemon.FreePort();
        var work = Directory.CreateDirectory(Path.Combine(_dir, "app")).FullName;
        File.WriteAllText(Path.Combine(work, "appsettings.json"), """{"Kestrel":{"Endpoints":{"App":{"Url":"http://127.0.0.1:""" + port + "\"}}}}");
        var manifest = Manifest("""
            apiVersion: v1
            kind: Pod
            metadata:
              name: app
            spec:
              containers:
                - name: app
                  command: ["sh", "-c", "echo app-up; exec sleep 600"]
            """);
        await using var sup = SupProcess.StartThrough(["sh", "-c", $"cd '{work}' && exec \"$0\" \"$@\""], int.MaxValue,
            "run", "-f", manifest, "--state-dir", StateDir);
        await sup.WaitForLineAsync("app/app | app-up");

        using var client = new System.Net.Sockets.TcpClient();
        var refused = await Assert.ThrowsAsync<System.Net.Sockets.SocketException>(() => client.ConnectAsync("127.0.0.1", port));
        Assert.Equal(System.Net.Sockets.SocketError.ConnectionRefused, refused.SocketErrorCode);
        sup.Signal(Native.SIGTERM);
        Assert.Equal(0, await sup.WaitForExitAsync(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task SIGTERM_gives_a_stubborn_pod_its_whole_grace_period_then_exits_0()
    {
        var manifest = Manifest("""
            apiVersion: v1
            kind: Pod
            metadata:
              name: stubborn
            spec:
              terminationGracePeriodSeconds: 4
              containers:
                - name: app
                  command: ["TESTAPP"]
                  args: ["--ignore-sigterm", "--print", "stubborn-up"]
            """);
        await using var sup = SupProcess.Start("run", "-f", manifest, "--state-dir", StateDir);
        await sup.WaitForLineAsync("stubborn/app | stubborn-up");
        await Task.Delay(300);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        sup.Signal(Native.SIGTERM);
        Assert.Equal(0, await sup.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(3.5), $"stopped after {clock.Elapsed}: the pod did not get its grace period");
        Assert.Contains("stubborn/app | ignoring SIGTERM", sup.Output);
        Assert.Contains("all pods stopped", sup.Output);
    }

    [Fact]
    public async Task Run_after_sup_was_SIGKILLed_adopts_what_still_runs_and_kills_what_its_store_does_not_vouch_for()
    {
        var manifest = Manifest(Stack);
        int shell, apache;
        IReadOnlyList<int> workers;
        await using (var first = SupProcess.Start("run", "-f", manifest, "--state-dir", StateDir))
        {
            await first.WaitForLineAsync("apache/httpd | apache-up");
            await first.WaitForLineAsync("shell/loop | shell-up");
            await Task.Delay(1000); // the pods' statuses reach the disk (batched every 50 ms)
            first.Signal(Native.SIGKILL);
            await first.WaitForExitAsync(TimeSpan.FromSeconds(60));
            var owners = ContainerProcesses.FindByOwnerPrefix(new StatePaths(StateDir).DaemonId + "/", ProcFs.Snapshot(),
                pid => ProcFs.ReadEnvironmentVariable(pid, ContainerProcesses.OwnerVariable), Environment.ProcessId);
            Assert.NotEmpty(owners); // the children outlived a SIGKILLed daemon, as with any supervisor
            shell = owners.Single(p => p.Comm == "sh" && p.Pid == p.Sid).Pid;
            apache = owners.Single(p => p.Pid == p.Sid && ProcFs.ReadEnvironmentVariable(p.Pid, ContainerProcesses.OwnerVariable)!.Contains("/apache/", StringComparison.Ordinal)).Pid;
            workers = owners.Where(p => p.Ppid == apache).Select(p => p.Pid).ToList();
        }
        // Apache's master dies while no daemon runs: its workers are orphans no store vouches for.
        Native.kill(apache, Native.SIGKILL);
        await Poll.Until(() => Leftovers.IsGone(apache) || (ProcFs.TryRead(apache, out var p) && p.IsZombie), "the master gone");
        await using var second = SupProcess.Start("run", "-f", manifest, "--state-dir", StateDir);
        await second.WaitForLineAsync("left behind by an earlier run");
        await second.WaitForLineAsync("adopting");
        foreach (var worker in workers)
            await Poll.Until(() => Leftovers.IsGone(worker) || (ProcFs.TryRead(worker, out var p) && p.IsZombie), "an orphaned worker killed");
        await second.WaitForLineAsync("apache/httpd | apache-up");
        Assert.True(ProcFs.TryRead(shell, out var adopted) && !adopted.IsZombie, "the shell pod's container was adopted, not killed");
        var (_, json, _) = await SupDaemon.Run(Binaries.Sup, ["get", "pod", "shell", "-o", "jsonpath={.status.containerStatuses[0].containerID} {.status.containerStatuses[0].restartCount}", "--state-dir", StateDir]);
        Assert.Equal($"sup://{shell} 0", json.Trim());
        second.Signal(Native.SIGTERM);
        Assert.Equal(0, await second.WaitForExitAsync(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task Run_with_an_invalid_manifest_exits_2_and_starts_nothing()
    {
        var manifest = Manifest("""
            apiVersion: v1
            kind: Pod
            metadata:
              name: bad
            spec:
              containers:
                - name: app
                  command: ["TESTAPP"]
                  livenesProbe:
                    exec:
                      command: ["true"]
            """);
        var (code, output) = await SupProcess.RunToEndAsync("run", "-f", manifest, "--state-dir", StateDir);
        Assert.Equal(2, code);
        Assert.Contains($"{manifest}:9:7: Pod/bad: spec.containers[0].livenesProbe: unknown field \"livenesProbe\"", output);
        Assert.Contains("nothing was started", output);
        Assert.False(Directory.Exists(Path.Combine(StateDir, "pods")));
    }

    [Fact]
    public async Task Validate_exits_0_for_a_valid_file_and_2_with_located_errors()
    {
        var (ok, okOutput) = await SupProcess.RunToEndAsync("validate", "-f", Manifest(Stack));
        Assert.Equal(0, ok);
        Assert.Contains("3 object(s) valid", okOutput);
        var (forCluster, notes) = await SupProcess.RunToEndAsync("validate", "--for-cluster", "-f", Manifest(Stack));
        Assert.Equal(1, forCluster); // host processes: a cluster runs images only
        Assert.Contains(".image: required on a cluster", notes);

        var bad = Manifest("""
            apiVersion: v1
            kind: Pod
            metadata:
              name: web
            spec:
              restartPolicy: Sometimes
              containers:
                - name: app
                  livenessProbe:
                    periodSeconds: 0
            """);
        var (code, output) = await SupProcess.RunToEndAsync("validate", "-f", bad);
        Assert.Equal(2, code);
        Assert.Contains($"{bad}:6:18: Pod/web: spec.restartPolicy:", output);
        Assert.Contains($"{bad}:8:7: Pod/web: spec.containers[0].command: a container without image runs as a host process and needs command (or args, whose first is the program)", output);
        Assert.Contains($"{bad}:10:24: Pod/web: spec.containers[0].livenessProbe.periodSeconds: must be greater than zero", output);
        Assert.Contains($"{bad}:9:7: Pod/web: spec.containers[0].livenessProbe: probe needs exactly one handler", output);
    }

    [Fact]
    public async Task Bad_arguments_exit_2()
    {
        var (code, output) = await SupProcess.RunToEndAsync("run", "--backoff-base", "soon");
        Assert.Equal(2, code);
        Assert.Contains("--backoff-base", output);
    }

    [Fact]
    public async Task Unusable_state_dir_exits_3()
    {
        var file = Path.Combine(_dir, "not-a-dir");
        File.WriteAllText(file, "");
        var (code, output) = await SupProcess.RunToEndAsync("run", "-f", Manifest(Stack), "--state-dir", Path.Combine(file, "state"));
        Assert.Equal(3, code);
        Assert.Contains("cannot use state dir", output);
    }

    [Fact]
    public async Task A_damaged_database_exits_3_with_one_line_that_names_it_and_starts_nothing()
    {
        Directory.CreateDirectory(StateDir);
        var db = Path.Combine(StateDir, "sup.db");
        await File.WriteAllTextAsync(db, "this is not a database, it is a text file that happens to be long enough to have a header page");
        var (code, output) = await SupProcess.RunToEndAsync("run", "-f", Manifest(Stack), "--state-dir", StateDir);
        Assert.Equal(3, code);
        var line = Assert.Single(output.Split('\n'), l => l.StartsWith("sup: cannot start:", StringComparison.Ordinal));
        Assert.Contains(db, line);
        Assert.DoesNotContain("   at ", output);
        Assert.DoesNotContain("shell-up", output);
        // The file is left as it was for the user to look at or move away.
        Assert.StartsWith("this is not a database", await File.ReadAllTextAsync(db));
    }

    [Fact]
    public async Task A_database_that_cannot_be_opened_for_writing_exits_3_with_one_line()
    {
        // Root may write any file: a directory where the database should be cannot be opened by anyone.
        Directory.CreateDirectory(Path.Combine(StateDir, "sup.db"));
        var (code, output) = await SupProcess.RunToEndAsync("run", "-f", Manifest(Stack), "--state-dir", StateDir);
        Assert.Equal(3, code);
        var line = Assert.Single(output.Split('\n'), l => l.StartsWith("sup: cannot", StringComparison.Ordinal));
        Assert.Contains("sup.db is not a regular file", line);
        Assert.DoesNotContain("   at ", output);
        Assert.DoesNotContain("shell-up", output);
    }
}

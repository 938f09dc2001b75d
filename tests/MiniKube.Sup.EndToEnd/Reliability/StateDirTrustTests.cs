using MiniKube.Sup.Processes;

namespace MiniKube.Sup.EndToEnd.Reliability;

/// <summary>
/// A state dir, database or socket another user prepared, or could change, is never used (security issue, finding
/// 1): `sup run` refuses it with exit 3 and one line, so nothing that user wrote is run as root; and a client never
/// talks to a daemon another user runs. kubelet keeps /var/lib/kubelet root-owned for the same reason.
/// </summary>
[Collection(OtherUserCollection.Name)]
public sealed class StateDirTrustTests(OtherUserFixture fixture) : IClassFixture<OtherUserFixture>
{
    private const string Manifest = """
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: settings}
        data: {a: b}
        """;

    private OtherUser Other => fixture.User;

    [Fact]
    public async Task A_state_dir_another_user_prepared_is_refused_and_the_pod_they_planted_never_runs_as_root()
    {
        var dir = fixture.NewDirectory();
        var marker = Path.Combine(Other.Home, "ran-as");
        var state = Path.Combine(Other.Home, "state");
        var manifest = Write(dir, "supervisor.yaml", Manifest);
        var planted = Write(dir, "planted.yaml", $$"""
            apiVersion: v1
            kind: Pod
            metadata: {name: planted}
            spec:
              terminationGracePeriodSeconds: 1
              containers:
                - {name: app, command: [sh, -c, "id -u >> {{marker}}; exec sleep 600"]}
            """);

        // The other user runs their own daemon on the state dir and applies a pod through its API: the pod is stored in
        // sup.db (source "api", so it outlives the files), and runs as them.
        await using (var theirs = SupProcess.StartProgram("setpriv", Other.As(Binaries.Sup, "run", "-f", manifest, "--state-dir", state)))
        {
            await Poll.Until(() => File.Exists(Path.Combine(state, "sup.sock")) || theirs.HasExited, "their daemon's socket", 30);
            Assert.False(theirs.HasExited, theirs.Output);
            var (code, _, err) = await Other.RunAsync(Binaries.Sup, "apply", "-f", planted, "--state-dir", state);
            Assert.True(code == 0, err);
            await Poll.Until(() => File.Exists(marker) && File.ReadAllText(marker).Trim().Length > 0, "their pod to run", 30);
            theirs.Signal(Native.SIGTERM);
            Assert.Equal(0, await theirs.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        }
        Assert.Equal($"{Other.Uid}", File.ReadAllText(marker).Trim());

        var refused = await RefusedRun.RunAsync(state, marker, "run", "-f", manifest, "--state-dir", state);

        Assert.Equal(3, refused.Code);
        Assert.Equal($"{Other.Uid}", File.ReadAllText(marker).Trim()); // never "0"
        Assert.Matches($@"^sup: cannot use state dir {state}: .*uid {Other.Uid} \({Other.Name}\)", refused.Output);
        Assert.Single(refused.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Theory]
    [InlineData(0x1FF)] // 0777
    [InlineData(0x1F8)] // 0770
    public async Task A_state_dir_writable_by_group_or_others_is_refused(int mode)
    {
        var dir = fixture.NewDirectory();
        var state = Directory.CreateDirectory(Path.Combine(dir, "state")).FullName;
        File.SetUnixFileMode(state, (UnixFileMode)mode);

        var refused = await RefusedRun.RunAsync(state, null, "run", "-f", Write(dir, "supervisor.yaml", Manifest), "--state-dir", state);

        Assert.Equal(3, refused.Code);
        Assert.Matches($@"^sup: cannot use state dir {state}: .*writable by (group|others)", refused.Output);
    }

    [Fact]
    public async Task A_state_dir_inside_a_directory_another_user_owns_is_refused()
    {
        // Root's own 0700 state dir, but in a directory the other user owns: they could rename it and put theirs there.
        var state = Directory.CreateDirectory(Path.Combine(Other.Home, "root-state"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute).FullName;

        var refused = await RefusedRun.RunAsync(state, null, "run", "-f", Write(fixture.NewDirectory(), "supervisor.yaml", Manifest), "--state-dir", state);

        Assert.Equal(3, refused.Code);
        Assert.Contains($"{Other.Home} is owned by uid {Other.Uid} ({Other.Name})", refused.Output);
    }

    [Fact]
    public async Task A_database_that_is_a_symlink_or_belongs_to_another_user_is_refused()
    {
        var dir = fixture.NewDirectory();
        var manifest = Write(dir, "supervisor.yaml", Manifest);
        var linked = Directory.CreateDirectory(Path.Combine(dir, "linked"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute).FullName;
        var theirs = Path.Combine(Other.Home, "their.db");
        File.WriteAllText(theirs, "");
        await Chown(theirs);
        File.CreateSymbolicLink(Path.Combine(linked, "sup.db"), theirs);
        var owned = Directory.CreateDirectory(Path.Combine(dir, "owned"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute).FullName;
        File.WriteAllText(Path.Combine(owned, "sup.db"), "");
        await Chown(Path.Combine(owned, "sup.db"));

        var link = await RefusedRun.RunAsync(linked, null, "run", "-f", manifest, "--state-dir", linked);
        var other = await RefusedRun.RunAsync(owned, null, "run", "-f", manifest, "--state-dir", owned);

        Assert.Equal(3, link.Code);
        Assert.Contains($"{linked}/sup.db is a symbolic link", link.Output);
        Assert.Equal(0, new FileInfo(theirs).Length);
        Assert.Equal(3, other.Code);
        Assert.Contains($"{owned}/sup.db is owned by uid {Other.Uid} ({Other.Name})", other.Output);
    }

    [Fact]
    public async Task A_client_never_talks_to_a_daemon_another_user_runs()
    {
        var dir = fixture.NewDirectory();
        var state = Path.Combine(Other.Home, "client-state");
        var secret = Write(dir, "secret.yaml", """
            apiVersion: v1
            kind: Secret
            metadata: {name: root-password}
            stringData: {password: hunter2}
            """);
        await using var theirs = SupProcess.StartProgram("setpriv", Other.As(Binaries.Sup, "run", "-f", Write(dir, "supervisor.yaml", Manifest), "--state-dir", state));
        try
        {
            await Poll.Until(() => File.Exists(Path.Combine(state, "sup.sock")) || theirs.HasExited, "their daemon's socket", 30);
            Assert.False(theirs.HasExited, theirs.Output);

            var get = await SupDaemon.Run(Binaries.Sup, ["get", "configmaps", "--state-dir", state]);
            var apply = await SupDaemon.Run(Binaries.Sup, ["apply", "-f", secret, "--state-dir", state]);
            var (_, seen, _) = await Other.RunAsync(Binaries.Sup, "get", "secrets", "--state-dir", state);

            Assert.True(get.Code == 1, $"exit {get.Code}: {get.Out}{get.Err}");
            Assert.DoesNotContain("settings", get.Out);
            Assert.Contains($"runs as uid {Other.Uid} ({Other.Name})", get.Err);
            Assert.True(apply.Code == 1, $"exit {apply.Code}: {apply.Out}{apply.Err}");
            Assert.DoesNotContain("root-password", seen);
        }
        finally
        {
            theirs.Signal(Native.SIGTERM);
            await theirs.WaitForExitAsync(TimeSpan.FromSeconds(60));
            await Leftovers.AssertNoneAsync(new StatePaths(state));
        }
    }

    private static string Write(string dir, string name, string text)
    {
        var path = Path.Combine(dir, name);
        File.WriteAllText(path, text);
        File.SetUnixFileMode(path, (UnixFileMode)0x1A4); // 0644: the other user reads it too
        return path;
    }

    private async Task Chown(string path)
    {
        var (code, _, err) = await SupDaemon.Run("chown", [$"{Other.Uid}:{Other.Uid}", path]);
        Assert.True(code == 0, err);
    }
}

using System.Text.RegularExpressions;

namespace MiniKube.Sup.EndToEnd.Reliability;

/// <summary>
/// Nobody but the daemon's user reads secrets, logs or the database (security issue, finding 2): the state dir is
/// 0700, the database and logs owner-only; volume directories keep the modes Kubernetes gives them (emptyDir 0777,
/// configMap and secret files their defaultMode), so that a pod reaches its own volumes while nobody else can walk
/// in.
/// </summary>
[Collection(OtherUserCollection.Name)]
public sealed class StateDirModeTests(OtherUserFixture fixture) : IClassFixture<OtherUserFixture>
{
    [Fact]
    public async Task Another_user_reads_no_secret_log_or_database_and_volumes_have_their_kubernetes_modes()
    {
        await using var d = new SupDaemon("""
            apiVersion: v1
            kind: Secret
            metadata: {name: creds}
            stringData: {password: hunter2}
            ---
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: settings}
            data: {greeting: hello}
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: app}
            spec:
              terminationGracePeriodSeconds: 1
              volumes:
                - {name: scratch, emptyDir: {}}
                - {name: creds, secret: {secretName: creds}}
                - {name: private, secret: {secretName: creds, defaultMode: 0400}}
                - {name: settings, configMap: {name: settings}}
              containers:
                - name: main
                  command: [sh, -c, "echo the-log-line; exec sleep 600"]
                  volumeMounts: [{name: scratch, mountPath: /scratch}, {name: creds, mountPath: /creds}, {name: private, mountPath: /private}, {name: settings, mountPath: /settings}]
            """);
        File.SetUnixFileMode(d.Dir, (UnixFileMode)0x1ED); // 0755: only the state dir itself may keep others out
        await d.StartAsync();
        await d.WaitForPodAsync("app");
        var paths = new StatePaths(d.StateDir);
        var log = paths.LogFile("app", await d.UidOf("app"), "main", 0);
        await Poll.Until(() => File.Exists(log) && File.ReadAllText(log).Contains("the-log-line"), "the container's log", 30);
        var secret = Path.Combine(paths.PodVolumeDirectory("app", "creds"), "password");

        foreach (var file in new[] { Path.Combine(d.StateDir, "sup.db"), log, secret, Path.Combine(paths.PodVolumeDirectory("app", "settings"), "greeting") })
        {
            var (code, output, err) = await fixture.User.RunAsync("cat", file);
            Assert.True(code != 0 && err.Contains("Permission denied"), $"{fixture.User.Name} read {file}: {output}{err}");
        }
        var (listed, listing, _) = await fixture.User.RunAsync("ls", d.StateDir);
        Assert.True(listed != 0, $"{fixture.User.Name} listed the state dir: {listing}");

        Assert.Equal("700", Mode(d.StateDir));
        foreach (var db in new[] { "sup.db", "sup.db-wal", "sup.db-shm" })
            Assert.Equal("600", Mode(Path.Combine(d.StateDir, db)));
        Assert.Equal("600", Mode(log));
        Assert.Equal("700", Mode(Path.GetDirectoryName(log)!));
        Assert.Equal("700", Mode(Path.GetDirectoryName(Path.GetDirectoryName(log))!)); // logs/app_<uid>
        Assert.Equal("600", Mode(Path.Combine(Path.GetDirectoryName(Path.GetDirectoryName(log))!, "owner")));
        Assert.Equal("777", Mode(paths.PodVolumeDirectory("app", "scratch")));
        Assert.Equal("644", Mode(secret)); // k8s: defaultMode 0644
        Assert.Equal("400", Mode(Path.Combine(paths.PodVolumeDirectory("app", "private"), "password")));
        Assert.Equal("644", Mode(Path.Combine(paths.PodVolumeDirectory("app", "settings"), "greeting")));
        Assert.Equal(0, await d.StopAsync());
    }

    [Fact]
    public async Task A_state_dir_and_database_made_by_an_older_sup_are_made_owner_only()
    {
        await using var d = new SupDaemon("""
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: settings}
            data: {greeting: hello}
            """);
        await d.StartAsync();
        Assert.Equal(0, await d.StopAsync());
        // As an older sup left them: 0755 and 0644.
        File.SetUnixFileMode(d.StateDir, (UnixFileMode)0x1ED);
        File.SetUnixFileMode(Path.Combine(d.StateDir, "sup.db"), (UnixFileMode)0x1A4);

        await d.StartAsync();

        Assert.Equal("700", Mode(d.StateDir));
        Assert.Equal("600", Mode(Path.Combine(d.StateDir, "sup.db")));
        Assert.Matches(new Regex(@"\nsettings "), (await d.Sup("get", "configmaps")).Out);
        Assert.Equal(0, await d.StopAsync());
    }

    private static string Mode(string path) => Convert.ToString((int)File.GetUnixFileMode(path), 8);
}

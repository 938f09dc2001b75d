using MiniKube.Sup.Processes;

namespace MiniKube.Sup.EndToEnd.Reliability;

/// <summary>A daemon that is not root can start processes only as itself: a pod that asks for another user is
/// refused with the reason (CreateContainerConfigError), never run as the wrong one; a pod that asks for nothing
/// runs as the daemon's user. Its pods' mount namespaces are made in a user namespace: a volume is at its mountPath
/// where the daemon can make the mount point, and a pod that needs one it cannot make is refused (issue 17).</summary>
[Collection(OtherUserCollection.Name)]
public sealed class NonRootDaemonTests(OtherUserFixture fixture) : IClassFixture<OtherUserFixture>
{
    private OtherUser Other => fixture.User;

    [Fact]
    public async Task A_non_root_daemon_refuses_a_pod_that_asks_for_another_user_and_runs_the_others_as_itself()
    {
        var dir = fixture.NewDirectory();
        var state = Path.Combine(Other.Home, "state-nonroot");
        var manifest = Path.Combine(dir, "supervisor.yaml");
        File.WriteAllText(manifest, """
            apiVersion: v1
            kind: Pod
            metadata: {name: as-1000}
            spec:
              securityContext: {runAsUser: 1000}
              terminationGracePeriodSeconds: 1
              containers:
                - {name: app, command: [sleep, "600"]}
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: as-itself}
            spec:
              restartPolicy: Never
              containers:
                - {name: app, command: [id, -u]}
            """);

        await using var daemon = SupProcess.StartProgram("setpriv", Other.As(Binaries.Sup, "run", "-f", manifest, "--state-dir", state));
        await Poll.Until(() => File.Exists(Path.Combine(state, "sup.sock")) || daemon.HasExited, "the user's daemon's socket", 30);
        Assert.False(daemon.HasExited, daemon.Output);
        string pod = "";
        await Poll.Until(() =>
        {
            pod = Other.RunAsync(Binaries.Sup, "get", "pod", "as-1000", "-o", "json", "--state-dir", state).GetAwaiter().GetResult().Out;
            return pod.Contains("CreateContainerConfigError", StringComparison.Ordinal);
        }, "the pod refused", 30);
        Assert.Contains($"the daemon (uid {Other.Uid}, not root) can start processes only as itself", pod);
        await Poll.Until(() => Other.RunAsync(Binaries.Sup, "logs", "as-itself", "--state-dir", state).GetAwaiter().GetResult().Out.Trim() == $"{Other.Uid}",
            "the other pod ran as the daemon's user", 30);

        daemon.Signal(Native.SIGTERM);
        Assert.Equal(0, await daemon.WaitForExitAsync(TimeSpan.FromSeconds(60)));
    }

    [Fact]
    public async Task A_non_root_daemon_mounts_volumes_at_their_mountPath_in_a_user_namespace_and_refuses_a_mount_point_it_cannot_make()
    {
        var dir = fixture.NewDirectory();
        var state = Path.Combine(Other.Home, "state-userns");
        var workDir = Path.Combine(Other.Home, "work-dir"); // missing: the daemon's user may make it
        var inRoot = "/sup-nonroot-" + Guid.NewGuid().ToString("N")[..8]; // missing, in root's /: it may not
        var manifest = Path.Combine(dir, "supervisor.yaml");
        File.WriteAllText(manifest, $$"""
            apiVersion: v1
            kind: Pod
            metadata: {name: shared}
            spec:
              restartPolicy: Never
              volumes: [{name: data, emptyDir: {} }]
              initContainers:
                - name: fill
                  command: [sh, -c, "echo filled > {{workDir}}/index.html"]
                  volumeMounts: [{name: data, mountPath: "{{workDir}}"}]
              containers:
                - name: app
                  command: [sh, -c, "cat {{workDir}}/index.html; id -u; touch {{Other.Home}}/ro/x 2>/dev/null && echo writable || echo read-only"]
                  volumeMounts: [{name: data, mountPath: "{{workDir}}"}, {name: data, mountPath: "{{Other.Home}}/ro", readOnly: true}]
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: in-root}
            spec:
              restartPolicy: Never
              volumes: [{name: data, emptyDir: {} }]
              containers:
                - name: app
                  command: [sh, -c, "ls {{inRoot}}"]
                  volumeMounts: [{name: data, mountPath: "{{inRoot}}"}]
            """);

        await using var daemon = SupProcess.StartProgram("setpriv", Other.As(Binaries.Sup, "run", "-f", manifest, "--state-dir", state));
        await Poll.Until(() => File.Exists(Path.Combine(state, "sup.sock")) || daemon.HasExited, "the user's daemon's socket", 30);
        Assert.False(daemon.HasExited, daemon.Output);
        string logs = "";
        await Poll.Until(() =>
        {
            logs = Other.RunAsync(Binaries.Sup, "logs", "shared", "--state-dir", state).GetAwaiter().GetResult().Out;
            return logs.Contains("read-only", StringComparison.Ordinal) || logs.Contains("writable", StringComparison.Ordinal);
        }, "the app's output", 30);
        // The init container's file is in the volume, reached at its mountPath, as the daemon's user; the readOnly
        // mount refuses the write.
        Assert.Equal($"filled\n{Other.Uid}\nread-only", logs.Trim());
        Assert.Equal("filled\n", File.ReadAllText(Path.Combine(state, "pods", "shared", "volumes", "data", "index.html")));
        Assert.Empty(Directory.EnumerateFileSystemEntries(workDir)); // on the host, the mount point alone

        string pod = "";
        await Poll.Until(() =>
        {
            pod = Other.RunAsync(Binaries.Sup, "get", "pod", "in-root", "-o", "json", "--state-dir", state).GetAwaiter().GetResult().Out;
            return pod.Contains("CreateContainerConfigError", StringComparison.Ordinal);
        }, "the pod refused", 30);
        Assert.Contains($"volume mount at {inRoot} needs a mount point that a daemon that is not root (uid {Other.Uid}) cannot make: / is not its to write", pod);
        var events = (await Other.RunAsync(Binaries.Sup, "events", "--state-dir", state)).Out;
        Assert.Contains($"volume mount at {inRoot} needs a mount point", events);
        Assert.False(Path.Exists(inRoot));

        daemon.Signal(Native.SIGTERM);
        Assert.Equal(0, await daemon.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        Assert.Empty(ProcessesOf(Other.Uid));
    }

    /// <summary>The live processes of a user (by real uid, from /proc/PID/status).</summary>
    private static List<int> ProcessesOf(int uid)
    {
        var found = new List<int>();
        foreach (var entry in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(entry), out var pid)) continue;
            try
            {
                var status = File.ReadAllLines(Path.Combine(entry, "status"));
                var uidLine = status.FirstOrDefault(l => l.StartsWith("Uid:", StringComparison.Ordinal));
                var state = status.FirstOrDefault(l => l.StartsWith("State:", StringComparison.Ordinal)) ?? "";
                if (uidLine is not null && uidLine.Split('\t', StringSplitOptions.RemoveEmptyEntries)[1] == $"{uid}" && !state.Contains('Z')) found.Add(pid);
            }
            catch (IOException) { /* ended */ }
        }
        return found;
    }
}

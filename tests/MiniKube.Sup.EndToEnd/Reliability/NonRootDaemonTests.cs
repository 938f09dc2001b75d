using MiniKube.Sup.Processes;

namespace MiniKube.Sup.EndToEnd.Reliability;

/// <summary>A daemon that is not root can start processes only as itself: a pod that asks for another user is
/// refused with the reason (CreateContainerConfigError), never run as the wrong one; a pod that asks for nothing
/// runs as the daemon's user (issue 17).</summary>
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
}

using MiniKube.Sup.EndToEnd.Containers;
using MiniKube.Sup.Processes;

namespace MiniKube.Sup.EndToEnd.Hosting;

/// <summary>`sup run` as PID 1 of a new PID namespace (`unshare --pid --fork --mount-proc`, as a container's init):
/// every orphan of the namespace comes to it, and it must reap them all, and turn SIGTERM/SIGINT into the orderly
/// stop (exit 0, see README "Exit codes"). The namespace's processes are seen from here by their host pids.</summary>
public sealed class Pid1Tests : IAsyncLifetime
{
    private const int SIGINT = 2;

    private readonly string _dir = Directory.CreateTempSubdirectory("sup-pid1-").FullName;
    private string StateDir => Path.Combine(_dir, "state");

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await Leftovers.AssertNoneAsync(new StatePaths(StateDir));
        Directory.Delete(_dir, recursive: true);
    }

    [Theory]
    [InlineData(Native.SIGTERM)]
    [InlineData(SIGINT)]
    public async Task As_PID_1_sup_reaps_every_orphan_and_a_signal_stops_everything_with_exit_0(int signal)
    {
        var manifest = Path.Combine(_dir, "supervisor.yaml");
        // The shell orphans short-lived grandchildren (each subshell exits at once, its sleep outlives it), then becomes
        // a testapp that daemonizes (double fork: a grandchild that outlives its parent and ignores SIGTERM).
        File.WriteAllText(manifest, $$"""
            apiVersion: v1
            kind: Pod
            metadata:
              name: orphans
            spec:
              terminationGracePeriodSeconds: 3
              containers:
                - name: main
                  command: ["/bin/sh", "-c", "for i in 1 2 3 4 5 6 7 8 9 10; do (sleep 0.2 &); done; exec {{Binaries.TestApp}} --daemonize --print up"]
            """);
        await using var unshare = SupProcess.StartProgram("unshare", "--pid", "--fork", "--mount-proc", "--", Binaries.Sup, "run", "-f", manifest, "--state-dir", StateDir);
        await unshare.WaitForLineAsync("orphans/main | up");
        await unshare.WaitForLineAsync("orphans/main | daemon ");
        var init = Assert.Single(ChildrenOf(unshare.Pid));
        Assert.Equal(("1", "sup"), (NamespacePids(init)[^1], Comm(init))); // sup is the namespace's init...
        var sup = Assert.Single(ChildrenOf(init));
        Assert.Equal("sup-daemon", Comm(sup)); // ...and runs the daemon as its child (InitShim: .NET as PID 1 reaps every child)
        var ns = NamespaceOf(init);
        Assert.NotNull(ns);

        // The daemonized grandchild was orphaned and came to the daemon, a child subreaper (its pid in the namespace
        // is what it printed).
        var daemonLine = unshare.Lines.First(l => l.StartsWith("orphans/main | daemon ", StringComparison.Ordinal));
        var daemonPid = System.Text.RegularExpressions.Regex.Match(daemonLine, @"\| daemon (\d+) running").Groups[1].Value;
        Assert.Contains(ChildrenOf(sup), child => NamespacePids(child)[^1] == daemonPid);
        // An orphan from outside the pods (entered from the host, as `podman exec` does) goes to PID 1, the init.
        var entered = await MarkedCommand.RunAsync("nsenter", ["--target", init.ToString(), "--pid", "--mount", "--", "/bin/sh", "-c", "(sleep 0.3 &)"], TimeSpan.FromSeconds(10));
        Assert.Equal(0, entered.ExitCode);
        // ...and the sleeps, orphaned too, were reaped as they ended: no zombie stays with the daemon or the init.
        await Poll.Until(() => !ChildrenOf(sup).Concat(ChildrenOf(init)).Any(c => (ProcFs.TryRead(c, out var p) && p.IsZombie) || Comm(c) == "sleep"),
            "the orphans gone and reaped: " + string.Join(", ", ChildrenOf(sup).Concat(ChildrenOf(init)).Select(c => $"{c} {Comm(c)}")), 10);
        Assert.Equal([sup], ChildrenOf(init));

        Native.kill(init, signal); // the init passes it on to the daemon
        Assert.Equal(0, await unshare.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        Assert.Contains("stopping: terminating all pods", unshare.Output);
        Assert.Contains("all pods stopped", unshare.Output);
        Assert.Contains("orphans/main | got SIGTERM, exiting", unshare.Output);
        // Nothing of the namespace is left (the kernel would kill it with its init: the stop must not leave that to it).
        Assert.DoesNotContain(ProcFs.Snapshot(), p => NamespaceOf(p.Pid) == ns);
    }

    private static List<int> ChildrenOf(int pid) => ProcFs.Snapshot().Where(p => p.Ppid == pid).Select(p => p.Pid).ToList();

    /// <summary>The PID namespace of a process ("pid:[4026532]"), or null when it is gone.</summary>
    private static string? NamespaceOf(int pid)
    {
        try { return File.ResolveLinkTarget($"/proc/{pid}/ns/pid", returnFinalTarget: false)?.ToString(); }
        catch (IOException) { return null; }
        catch (UnauthorizedAccessException) { return null; }
    }

    private static string Comm(int pid) => ProcFs.TryRead(pid, out var p) ? p.Comm : "?";

    /// <summary>The pids of a process in each PID namespace it is in, the host's first (NSpid of /proc/PID/status).</summary>
    private static string[] NamespacePids(int pid) =>
        File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("NSpid:", StringComparison.Ordinal))
            .Split((char[])['\t', ' '], StringSplitOptions.RemoveEmptyEntries)[1..];
}

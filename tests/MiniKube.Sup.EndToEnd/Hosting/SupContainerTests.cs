using MiniKube.Sup.EndToEnd.Containers;

namespace MiniKube.Sup.EndToEnd.Hosting;

/// <summary>sup as a container's init: the image examples/container/import-image.sh builds from the published
/// binaries (the Dockerfile's image, without a registry), run by podman with sup as its entrypoint and PID 1, and
/// stopped with `podman stop` as any container is.</summary>
[Collection(ContainersCollection.Name)]
public sealed class SupContainerTests(PublishedSup published) : IClassFixture<PublishedSup>, IAsyncLifetime
{
    private static readonly TestEngine Podman = TestEngine.Podman;
    private readonly string _id = Guid.NewGuid().ToString("N")[..12];
    private string Label => $"sup.test.container={_id}";
    private string Tag => $"localhost/sup-container-test:{_id}";
    private string Name => $"sup-container-test-{_id}";

    public async Task InitializeAsync()
    {
        await Podman.EnsureReachableAsync();
        var script = Path.Combine(Binaries.Tests, "..", "examples", "container", "import-image.sh");
        var built = await MarkedCommand.RunAsync("bash", [script, published.Dir, Tag, "podman", "--label", Label], TimeSpan.FromMinutes(5));
        Assert.True(built.ExitCode == 0, $"import-image.sh exited {built.ExitCode}: {built.StandardError}");
    }

    public async Task DisposeAsync()
    {
        await Podman.RunAsync("rm", "--force", "--time", "0", Name);
        await Podman.RunAsync("rmi", "--force", Tag);
        await Podman.AssertNoLeftoversAsync(Label);
        Assert.Equal("", (await Podman.OutputAsync("images", "--quiet", "--filter", "label=" + Label)).Trim());
    }

    [Fact]
    public async Task In_a_container_sup_is_PID_1_reaps_orphans_and_podman_stop_is_an_orderly_stop_with_exit_0()
    {
        await Podman.OutputAsync("run", "--detach", "--name", Name, "--label", Label, Tag);
        await Poll.Until(() => Logs().Contains("ticker/tick | ticker up") && Logs().Contains("| forker up"), "the image's pods running:\n" + Logs(), 60);
        // sup is PID 1 and runs the daemon as its child (InitShim: .NET as PID 1 reaps every child on SIGCHLD).
        Assert.Equal("sup", (await Podman.OutputAsync("exec", Name, "cat", "/proc/1/comm")).Trim());
        var daemon = Exec("cat /proc/1/task/*/children").Trim();
        Assert.Equal("sup-daemon", Exec($"cat /proc/{daemon}/comm").Trim());

        // The forker's orphaned sleeps come to the daemon, a child subreaper... (a child may end between the listing and
        // the read of its name: that is no failure)
        await Poll.Until(() => Exec($"for p in $(cat /proc/{daemon}/task/*/children); do cat /proc/$p/comm 2>/dev/null; done; true").Split('\n').Contains("sleep"),
            "an orphaned sleep reparented to sup-daemon", 30);
        // ...and an orphan of an exec (outside the pods) to PID 1, the init, which reaps it too.
        Exec("(sleep 0.3 &)");
        // ...and none stays a zombie: a zombie seen twice a second apart was not reaped.
        for (var i = 0; i < 3; i++)
        {
            var before = Zombies();
            await Task.Delay(TimeSpan.FromSeconds(1));
            Assert.Empty(before.Intersect(Zombies()));
        }

        // A grace period longer than the pods' (5 s): podman's SIGKILL after it would make the exit code 137.
        var stop = Podman.OutputAsync("stop", "--time", "30", Name);
        // While a stop that hangs is still under way, what the container holds says why (the processes, zombies too).
        var hung = "";
        if (await Task.WhenAny(stop, Task.Delay(TimeSpan.FromSeconds(20))) != stop)
            hung = "\nstill running 20 s after SIGTERM; its processes (pid ppid state sid args):\n" +
                Exec("for p in /proc/[0-9]*; do read -r l < $p/stat 2>/dev/null || continue; set -- ${l##*) }; echo \"${p#/proc/} $2 $1 $4 $(tr '\\0' ' ' < $p/cmdline)\"; done; true");
        await stop;
        var code = (await Podman.OutputAsync("inspect", Name, "--format", "{{.State.ExitCode}}")).Trim();
        Assert.True(code == "0", $"exit code {code}{hung}\nthe logs:\n{Logs()}");
        var logs = Logs();
        Assert.Contains("stopping: terminating all pods", logs);
        Assert.Contains("ticker/tick | ticker: SIGTERM, stopping", logs);
        Assert.Contains("forker: SIGTERM, stopping", logs);
        Assert.Contains("all pods stopped", logs);
    }

    private string Logs()
    {
        var result = Podman.RunAsync("logs", Name).GetAwaiter().GetResult();
        return result.StandardOutput + result.StandardError;
    }

    private string Exec(string script) => Podman.OutputAsync("exec", Name, "/bin/sh", "-c", script).GetAwaiter().GetResult();

    /// <summary>The container's zombies, as "pid:start" (a pid reused meanwhile is another process).</summary>
    private string[] Zombies() =>
        Exec("for s in /proc/[0-9]*/stat; do read -r line < $s 2>/dev/null || continue; set -- ${line##*) }; [ \"$1\" = Z ] && echo \"${s#/proc/}:${20}\"; done; true")
            .Split('\n', StringSplitOptions.RemoveEmptyEntries);
}

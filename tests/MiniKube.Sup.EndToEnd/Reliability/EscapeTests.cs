using System.Text.Json;
using MiniKube.Sup.Processes;

namespace MiniKube.Sup.EndToEnd.Reliability;

/// <summary>A container process that leaves everything we could follow it by: its session and process group
/// (setsid), its parent (the shell that started it exits) and its environment, SUP_OWNER mark included (env -i).
/// It is still the container's: shown by `sup ps`, and killed with the pod, with the container, with the daemon's
/// stop, and by the next start after the daemon was SIGKILLed.</summary>
[Collection(ReliabilityCollection.Name)]
public sealed class EscapeTests : IAsyncLifetime
{
    // A number no other test uses, so that the escapee is found by its command line alone.
    private readonly string _seconds = Random.Shared.Next(910_000, 919_999).ToString(System.Globalization.CultureInfo.InvariantCulture);

    private string Pod(string restartPolicy, string after) => $"""
        apiVersion: v1
        kind: Pod
        metadata:
          name: escape
        spec:
          restartPolicy: {restartPolicy}
          terminationGracePeriodSeconds: 2
          containers:
            - name: app
              command: ["sh", "-c", "setsid sh -c 'env -i /bin/sleep {_seconds} &'; {after}"]
        """;

    [Fact]
    public async Task An_escaped_process_is_shown_by_sup_ps_and_killed_when_its_pod_is_deleted()
    {
        await using var daemon = new SupDaemon(Pod("Always", "exec sleep infinity"));
        await daemon.StartAsync();
        var escapee = await EscapeeAsync();

        var (code, json, err) = await daemon.Sup("ps", "escape", "-o", "json");
        Assert.True(code == 0, err);
        var pids = JsonDocument.Parse(json).RootElement.GetProperty("pods")[0].GetProperty("containers")[0].GetProperty("processes")
            .EnumerateArray().Select(p => p.GetProperty("pid").GetInt32()).ToList();
        Assert.Contains(escapee, pids);

        (code, _, err) = await daemon.Sup("delete", "pod/escape");
        Assert.True(code == 0, err);
        await Poll.Until(() => Escapees().Count == 0, "the escaped process killed with its pod", 10);
        Assert.Equal(0, await daemon.StopAsync());
    }

    [Fact]
    public async Task An_escaped_process_dies_with_its_container_when_the_main_process_exits()
    {
        await using var daemon = new SupDaemon(Pod("Never", "sleep 1"));
        await daemon.StartAsync();
        await EscapeeAsync();
        await daemon.WaitForPodAsync("escape", "Succeeded");
        // k8s: when a container's init process dies, everything else in the container dies with it.
        await Poll.Until(() => Escapees().Count == 0, "the escaped process killed with its container", 10);
        Assert.Equal(0, await daemon.StopAsync());
    }

    [Fact]
    public async Task An_escaped_process_is_killed_when_the_daemon_stops()
    {
        await using var daemon = new SupDaemon(Pod("Always", "exec sleep infinity"));
        await daemon.StartAsync();
        await EscapeeAsync();
        Assert.Equal(0, await daemon.StopAsync());
        Assert.Empty(Escapees());
    }

    [Fact]
    public async Task An_escaped_process_left_by_a_SIGKILLed_daemon_is_killed_by_the_next_start()
    {
        await using var daemon = new SupDaemon(Pod("Always", "exec sleep infinity"));
        await daemon.StartAsync();
        var first = await EscapeeAsync();
        daemon.Process.Signal(Native.SIGKILL);
        await daemon.Process.WaitForExitAsync(TimeSpan.FromSeconds(60));
        await daemon.Process.DisposeAsync();
        Assert.Contains(first, Escapees()); // it outlived the daemon, as any supervisor's children do

        await daemon.StartAsync();
        await daemon.WaitForPodAsync("escape");
        // The new run starts its own copy; the one the dead daemon left must be gone (not one more every run).
        await Poll.Until(() => !Escapees().Contains(first), "the earlier run's escaped process killed", 10);
        await Poll.Until(() => Escapees().Count == 1, "one escaped process: the new run's", 10);
        Assert.Equal(0, await daemon.StopAsync());
        Assert.Empty(Escapees());
    }

    private async Task<int> EscapeeAsync()
    {
        await Poll.Until(() => Escapees().Count > 0, $"sleep {_seconds} running", 30);
        return Escapees()[0];
    }

    /// <summary>Live `/bin/sleep N` processes of this test.</summary>
    private List<int> Escapees()
    {
        var wanted = $"/bin/sleep {_seconds}";
        return ProcFs.Snapshot().Where(p => !p.IsZombie && ProcFs.ReadCommandLine(p.Pid) == wanted).Select(p => p.Pid).ToList();
    }

    public Task InitializeAsync() => Task.CompletedTask;

    /// <summary>Whatever a failed test left is killed here, so that one failure does not leave a process behind.</summary>
    public Task DisposeAsync()
    {
        foreach (var pid in Escapees()) Native.kill(pid, Native.SIGKILL);
        return Task.CompletedTask;
    }
}

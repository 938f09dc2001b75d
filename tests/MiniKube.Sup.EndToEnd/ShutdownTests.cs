using MiniKube.Sup.Processes;

namespace MiniKube.Sup.EndToEnd;

/// <summary>Stopping the daemon waits for every pod's grace period, wherever the pod came from.</summary>
public sealed class ShutdownTests
{
    [Fact]
    public async Task SIGTERM_waits_for_the_grace_period_of_a_pod_applied_through_the_API()
    {
        // The files hold nothing with a long grace period; the pod that has one arrives through `sup apply`.
        await using var d = new SupDaemon("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  a: b\n");
        await d.StartAsync();
        var slow = Path.Combine(d.Dir, "slow.yaml");
        File.WriteAllText(slow, $"apiVersion: v1\nkind: Pod\nmetadata:\n  name: slow\nspec:\n  terminationGracePeriodSeconds: 50\n" +
            $"  containers:\n    - name: app\n      command: [\"{Binaries.TestApp}\"]\n      args: [\"--ignore-sigterm\", \"--print\", \"slow-up\"]\n");
        Assert.Equal(0, (await d.Sup("apply", "-f", slow)).Code);
        await d.Process.WaitForLineAsync("slow/app | slow-up");
        await Task.Delay(300);

        var clock = System.Diagnostics.Stopwatch.StartNew();
        d.Process.Signal(Native.SIGTERM);
        Assert.Equal(0, await d.Process.WaitForExitAsync(TimeSpan.FromSeconds(90)));
        Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(49), $"stopped after {clock.Elapsed}, before the pod's 50 s grace period");
        Assert.Contains("all pods stopped", d.Process.Output);
        // SupDaemon's disposal asserts that nothing of the pod is left running.
    }
}

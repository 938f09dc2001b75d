using MiniKube.Sup.Processes;

namespace MiniKube.Sup.Runtime;

/// <summary>
/// Stops a container instance as the kubelet's killContainer does, in one awaited sequence: its preStop hook
/// (abandoned at the deadline), SIGTERM to every process of the container, then SIGKILL once what is left of the
/// grace period has passed (at least <see cref="MinimumGrace"/>), then a bounded wait for the main process to be
/// gone. All waits run on the given clock.
/// </summary>
public static class ContainerStop
{
    /// <summary>k8s minimumGracePeriodInSeconds: however late the preStop hook ran, SIGTERM gets this long.</summary>
    public static readonly TimeSpan MinimumGrace = TimeSpan.FromSeconds(2);

    /// <param name="deadline">the end of the grace period: the preStop hook's and SIGTERM's time together</param>
    /// <param name="preStop">runs the preStop hook; its token is cancelled when the hook is abandoned at the
    /// deadline (the stop goes on without waiting for it)</param>
    /// <param name="killWait">how long to wait for the main process once SIGKILLed</param>
    public static async Task<ContainerStopOutcome> StopAsync(this IContainerInstance container, DateTimeOffset deadline, TimeProvider time,
        TimeSpan killWait, Func<CancellationToken, Task>? preStop = null)
    {
        var abandoned = false;
        // k8s: the grace period countdown includes the preStop hook.
        if (preStop is not null && deadline > time.GetUtcNow())
            abandoned = !await RunPreStopAsync(preStop, deadline - time.GetUtcNow(), time).ConfigureAwait(false);
        var remaining = deadline - time.GetUtcNow();
        var grace = remaining > MinimumGrace ? remaining : MinimumGrace;
        await container.SignalAllAsync(Native.SIGTERM).ConfigureAwait(false);
        if (await ExitsWithinAsync(container, grace, time).ConfigureAwait(false))
            return new ContainerStopOutcome(abandoned, Killed: false, Exited: true);
        await container.SignalAllAsync(Native.SIGKILL).ConfigureAwait(false);
        return new ContainerStopOutcome(abandoned, Killed: true, await ExitsWithinAsync(container, killWait, time).ConfigureAwait(false));
    }

    /// <returns>false when the hook was still running at the deadline (it is then cancelled and left behind)</returns>
    private static async Task<bool> RunPreStopAsync(Func<CancellationToken, Task> preStop, TimeSpan timeout, TimeProvider time)
    {
        using var abandon = new CancellationTokenSource();
        var run = Task.Run(() => preStop(abandon.Token), CancellationToken.None);
        try
        {
            await run.WaitAsync(timeout > TimeSpan.Zero ? timeout : TimeSpan.Zero, time).ConfigureAwait(false);
            return true;
        }
        catch (TimeoutException)
        {
            await abandon.CancelAsync().ConfigureAwait(false);
            _ = run.ContinueWith(t => _ = t.Exception, TaskScheduler.Default); // what it throws once abandoned is of no interest
            return false;
        }
        catch (Exception)
        {
            return true; // a failed hook is the hook runner's to report: the stop goes on as after any hook
        }
    }

    private static async Task<bool> ExitsWithinAsync(IContainerInstance container, TimeSpan timeout, TimeProvider time)
    {
        try
        {
            await container.Exited.WaitAsync(timeout, time).ConfigureAwait(false);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }
}

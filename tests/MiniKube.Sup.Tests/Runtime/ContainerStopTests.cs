using Microsoft.Extensions.Time.Testing;
using MiniKube.Sup.Processes;
using MiniKube.Sup.Runtime;
using MiniKube.Sup.Testing;
using MiniKube.Sup.Tests.Pods;

namespace MiniKube.Sup.Tests.Runtime;

/// <summary>The stop sequence of a container instance (k8s killContainer) on a fake clock and a fake instance.</summary>
public class ContainerStopTests
{
    private static readonly TimeSpan KillWait = TimeSpan.FromSeconds(5);
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly FakeContainerRuntime _runtime = new();

    private static async Task Until(Func<bool> condition, string what)
    {
        await Poll.Until(condition, what);
        await Task.Delay(20); // let the stop arm its next wait on the fake clock
    }

    private DateTimeOffset In(double seconds) => _time.GetUtcNow() + TimeSpan.FromSeconds(seconds);

    [Fact]
    public async Task A_container_that_exits_on_SIGTERM_gets_no_SIGKILL()
    {
        var instance = _runtime.StartOne();
        var outcome = await instance.StopAsync(In(30), _time, KillWait);
        Assert.Equal([Native.SIGTERM], instance.Signals);
        Assert.Equal(new ContainerStopOutcome(PreStopAbandoned: false, Killed: false, Exited: true), outcome);
    }

    [Fact]
    public async Task A_container_that_ignores_SIGTERM_is_SIGKILLed_at_the_end_of_its_grace_period_and_not_before()
    {
        _runtime.ExitOnSigterm = false;
        var instance = _runtime.StartOne();
        var stop = instance.StopAsync(In(10), _time, KillWait);
        Assert.Equal([Native.SIGTERM], instance.Signals);
        _time.Advance(TimeSpan.FromSeconds(9.999));
        await Task.Delay(20);
        Assert.DoesNotContain(Native.SIGKILL, instance.Signals);
        _time.Advance(TimeSpan.FromMilliseconds(1));
        var outcome = await stop.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal([Native.SIGTERM, Native.SIGKILL], instance.Signals);
        Assert.Equal(new ContainerStopOutcome(false, Killed: true, Exited: true), outcome);
    }

    [Fact]
    public async Task The_preStop_hook_runs_before_SIGTERM_and_its_time_counts_in_the_grace_period()
    {
        _runtime.ExitOnSigterm = false;
        var instance = _runtime.StartOne();
        var hookDone = new TaskCompletionSource();
        var hookRan = false;
        var stop = instance.StopAsync(In(30), _time, KillWait, async token =>
        {
            hookRan = true;
            await hookDone.Task.WaitAsync(token);
        });
        await Until(() => hookRan, "the hook to start");
        _time.Advance(TimeSpan.FromSeconds(20));
        Assert.Empty(instance.Signals);
        hookDone.SetResult();
        await Until(() => instance.Signals.Contains(Native.SIGTERM), "SIGTERM after the hook");
        _time.Advance(TimeSpan.FromSeconds(9.999));
        await Task.Delay(20);
        Assert.DoesNotContain(Native.SIGKILL, instance.Signals);
        _time.Advance(TimeSpan.FromMilliseconds(1));
        var outcome = await stop.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(new ContainerStopOutcome(PreStopAbandoned: false, Killed: true, Exited: true), outcome);
    }

    [Fact]
    public async Task A_preStop_hook_still_running_at_the_deadline_is_abandoned_and_SIGTERM_still_gets_two_seconds()
    {
        _runtime.ExitOnSigterm = false;
        var instance = _runtime.StartOne();
        var hookCancelled = false;
        var hookStarted = false;
        var stop = instance.StopAsync(In(5), _time, KillWait, async token =>
        {
            hookStarted = true;
            try { await Task.Delay(Timeout.InfiniteTimeSpan, token); }
            catch (OperationCanceledException) { hookCancelled = true; throw; }
        });
        await Until(() => hookStarted, "the hook to start");
        _time.Advance(TimeSpan.FromSeconds(5));
        await Until(() => instance.Signals.Contains(Native.SIGTERM), "SIGTERM at the deadline");
        Assert.True(hookCancelled);
        _time.Advance(TimeSpan.FromSeconds(1.999));
        await Task.Delay(20);
        Assert.DoesNotContain(Native.SIGKILL, instance.Signals);
        _time.Advance(TimeSpan.FromMilliseconds(1));
        var outcome = await stop.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(new ContainerStopOutcome(PreStopAbandoned: true, Killed: true, Exited: true), outcome);
    }

    [Fact]
    public async Task A_failing_preStop_hook_does_not_stop_the_stop()
    {
        var instance = _runtime.StartOne();
        var outcome = await instance.StopAsync(In(30), _time, KillWait, _ => throw new InvalidOperationException("hook broke"));
        Assert.Equal([Native.SIGTERM], instance.Signals);
        Assert.Equal(new ContainerStopOutcome(false, false, true), outcome);
    }

    [Fact]
    public async Task A_container_that_outlives_SIGKILL_ends_the_stop_after_a_bounded_wait()
    {
        _runtime.ExitOnSigterm = false;
        _runtime.ExitOnSigkill = false;
        var instance = _runtime.StartOne();
        var stop = instance.StopAsync(In(0), _time, KillWait);
        _time.Advance(ContainerStop.MinimumGrace);
        await Until(() => instance.Signals.Contains(Native.SIGKILL), "SIGKILL");
        Assert.False(stop.IsCompleted);
        _time.Advance(KillWait);
        var outcome = await stop.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(new ContainerStopOutcome(false, Killed: true, Exited: false), outcome);
    }
}

using Microsoft.Extensions.Time.Testing;
using MiniKube.Sup.Daemon.Hosting.Systemd;

namespace MiniKube.Sup.Tests.Daemon.Hosting.Systemd;

public sealed class NotifyPlanTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    [Fact]
    public void Ready_is_said_once_the_daemon_is_ready_and_never_again()
    {
        var plan = new NotifyPlan(watchdog: null);
        Assert.Equal("STATUS=0 pods: 0 ready", plan.Next(_time.GetUtcNow(), "0 pods: 0 ready", ready: false));
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal("READY=1", plan.Next(_time.GetUtcNow(), "0 pods: 0 ready", ready: true));
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Null(plan.Next(_time.GetUtcNow(), "0 pods: 0 ready", ready: true));
    }

    [Fact]
    public void A_status_that_did_not_change_is_not_said_again()
    {
        var plan = new NotifyPlan(watchdog: null);
        plan.Next(_time.GetUtcNow(), "1 pod: 1 ready", ready: true);
        for (var i = 0; i < 5; i++)
        {
            _time.Advance(TimeSpan.FromSeconds(3));
            Assert.Null(plan.Next(_time.GetUtcNow(), "1 pod: 1 ready", ready: true));
        }
    }

    [Fact]
    public void A_burst_of_changes_within_the_interval_is_one_status_line_the_latest_once_the_interval_has_passed()
    {
        var plan = new NotifyPlan(watchdog: null);
        Assert.Equal("READY=1\nSTATUS=3 pods: 0 ready, 3 pending", plan.Next(_time.GetUtcNow(), "3 pods: 0 ready, 3 pending", ready: true));
        _time.Advance(TimeSpan.FromMilliseconds(300));
        Assert.Null(plan.Next(_time.GetUtcNow(), "3 pods: 1 ready, 2 pending", ready: true));
        _time.Advance(TimeSpan.FromMilliseconds(300));
        Assert.Null(plan.Next(_time.GetUtcNow(), "3 pods: 2 ready, 1 pending", ready: true));
        _time.Advance(TimeSpan.FromMilliseconds(400));
        Assert.Equal("STATUS=3 pods: 3 ready", plan.Next(_time.GetUtcNow(), "3 pods: 3 ready", ready: true));
    }

    [Fact]
    public void Without_a_watchdog_nothing_is_said_when_nothing_changed()
    {
        var plan = new NotifyPlan(watchdog: null);
        Assert.Null(plan.PingInterval);
        plan.Next(_time.GetUtcNow(), "s", ready: true);
        _time.Advance(TimeSpan.FromMinutes(10));
        Assert.Null(plan.Next(_time.GetUtcNow(), "s", ready: true));
    }

    [Fact]
    public void The_watchdog_is_pinged_every_half_period_by_looks_a_second_apart()
    {
        var plan = new NotifyPlan(watchdog: TimeSpan.FromSeconds(10));
        Assert.Equal(TimeSpan.FromSeconds(1), plan.LookInterval);
        var pings = new List<double>();
        var start = _time.GetUtcNow();
        for (var i = 0; i <= 20; i++)
        {
            if (plan.Next(_time.GetUtcNow(), "s", ready: true)?.Contains("WATCHDOG=1") == true) pings.Add((_time.GetUtcNow() - start).TotalSeconds);
            _time.Advance(plan.LookInterval);
        }
        Assert.Equal([0, 5, 10, 15, 20], pings);
    }

    [Fact]
    public void A_short_watchdog_makes_the_looks_as_frequent_as_the_pings()
    {
        var plan = new NotifyPlan(watchdog: TimeSpan.FromMilliseconds(600));
        Assert.Equal(TimeSpan.FromMilliseconds(300), plan.LookInterval);
        plan.Next(_time.GetUtcNow(), "s", ready: true);
        _time.Advance(plan.LookInterval);
        Assert.Equal("WATCHDOG=1", plan.Next(_time.GetUtcNow(), "s", ready: true));
    }

    [Theory]
    [InlineData("30000000", null, 30.0)]
    [InlineData("30000000", "4242", 30.0)]
    [InlineData("30000000", "1", null)]     // another process's watchdog
    [InlineData("30000000", "x", null)]
    [InlineData(null, null, null)]
    [InlineData("0", null, null)]
    [InlineData("soon", null, null)]
    public void The_watchdog_period_is_WATCHDOG_USEC_when_WATCHDOG_PID_is_absent_or_ours(string? usec, string? pid, double? seconds) =>
        Assert.Equal(seconds is { } s ? TimeSpan.FromSeconds(s) : null, NotifyPlan.Watchdog(usec, pid, ownPid: 4242));
}

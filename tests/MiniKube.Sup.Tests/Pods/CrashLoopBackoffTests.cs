using MiniKube.Sup.Pods;

namespace MiniKube.Sup.Tests.Pods;

public class CrashLoopBackoffTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void First_exit_restarts_immediately()
    {
        var backoff = new CrashLoopBackoff(BackoffPolicy.Kubernetes);
        Assert.Null(backoff.RemainingAt(T0, T0));
    }

    [Fact]
    public void Delays_double_from_ten_seconds_and_cap_at_five_minutes()
    {
        var backoff = new CrashLoopBackoff(BackoffPolicy.Kubernetes);
        var now = T0;
        var waits = new List<double>();
        for (var exit = 0; exit < 9; exit++)
        {
            // The container runs one second, then exits.
            var finishedAt = now + TimeSpan.FromSeconds(1);
            var wait = backoff.RemainingAt(finishedAt, finishedAt) ?? TimeSpan.Zero;
            waits.Add(wait.TotalSeconds);
            now = finishedAt + wait;
            backoff.Next(finishedAt, now);
        }
        Assert.Equal([0, 10, 20, 40, 80, 160, 300, 300, 300], waits);
    }

    [Fact]
    public void Remaining_delay_is_counted_from_the_exit()
    {
        var backoff = new CrashLoopBackoff(BackoffPolicy.Kubernetes);
        backoff.Next(T0, T0);
        var exit = T0 + TimeSpan.FromSeconds(2);
        Assert.Equal(TimeSpan.FromSeconds(10), backoff.RemainingAt(exit, exit));
        Assert.Equal(TimeSpan.FromSeconds(4), backoff.RemainingAt(exit, exit + TimeSpan.FromSeconds(6)));
        Assert.Null(backoff.RemainingAt(exit, exit + TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public void Backoff_resets_after_ten_minutes_of_running()
    {
        var backoff = new CrashLoopBackoff(BackoffPolicy.Kubernetes);
        backoff.Next(T0, T0);
        backoff.Next(T0 + TimeSpan.FromSeconds(11), T0 + TimeSpan.FromSeconds(21));
        Assert.Equal(TimeSpan.FromSeconds(20), backoff.CurrentDelay);

        var longRunExit = T0 + TimeSpan.FromSeconds(21) + TimeSpan.FromSeconds(601);
        Assert.Null(backoff.RemainingAt(longRunExit, longRunExit));
        backoff.Next(longRunExit, longRunExit);
        Assert.Equal(TimeSpan.FromSeconds(10), backoff.CurrentDelay);
    }

    [Fact]
    public void Exactly_ten_minutes_of_running_does_not_reset()
    {
        var backoff = new CrashLoopBackoff(BackoffPolicy.Kubernetes);
        backoff.Next(T0, T0);
        var exit = T0 + TimeSpan.FromSeconds(600);
        Assert.Equal(TimeSpan.FromSeconds(10), backoff.RemainingAt(exit, exit));
    }

    [Fact]
    public void Zero_base_means_no_delay()
    {
        var backoff = new CrashLoopBackoff(new BackoffPolicy(TimeSpan.Zero, TimeSpan.Zero, TimeSpan.FromSeconds(600)));
        for (var i = 0; i < 5; i++)
        {
            var t = T0 + TimeSpan.FromSeconds(i);
            Assert.Null(backoff.RemainingAt(t, t));
            backoff.Next(t, t);
        }
    }

    [Fact]
    public void Custom_base_and_cap_are_honoured()
    {
        var backoff = new CrashLoopBackoff(new BackoffPolicy(TimeSpan.FromSeconds(0.5), TimeSpan.FromSeconds(1.5), TimeSpan.FromSeconds(600)));
        backoff.Next(T0, T0);
        Assert.Equal(TimeSpan.FromSeconds(0.5), backoff.CurrentDelay);
        backoff.Next(T0, T0);
        Assert.Equal(TimeSpan.FromSeconds(1), backoff.CurrentDelay);
        backoff.Next(T0, T0);
        Assert.Equal(TimeSpan.FromSeconds(1.5), backoff.CurrentDelay);
    }
}

using Microsoft.Extensions.Time.Testing;
using MiniKube.Sup.Controllers;

namespace MiniKube.Sup.Tests.Controllers;

public sealed class WorkQueueTests
{
    private readonly FakeTimeProvider _time = TestClock.Create();

    private static List<string> Drain(WorkQueue queue)
    {
        var keys = new List<string>();
        while (queue.Ready.TryRead(out var key))
        {
            keys.Add(key);
            queue.Done(key);
        }
        return keys;
    }

    [Fact]
    public void A_key_added_many_times_is_queued_once()
    {
        using var queue = new WorkQueue(_time);
        queue.Add("a");
        queue.Add("a");
        queue.Add("b");
        Assert.Equal(["a", "b"], Drain(queue));
    }

    [Fact]
    public void Only_the_earliest_pending_delay_of_a_key_is_kept()
    {
        using var queue = new WorkQueue(_time);
        queue.AddAfter("a", TimeSpan.FromSeconds(30));
        queue.AddAfter("a", TimeSpan.FromSeconds(10));
        queue.AddAfter("a", TimeSpan.FromSeconds(20));
        _time.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(["a"], Drain(queue));
        _time.Advance(TimeSpan.FromSeconds(30));
        Assert.Empty(Drain(queue)); // the later wakes were dropped, not left as timers
    }

    [Theory]
    [InlineData(1, 5)]
    [InlineData(2, 10)]
    [InlineData(4, 40)]
    [InlineData(30, 1_000_000)] // capped at 1000 s
    public void A_key_that_keeps_failing_comes_back_after_a_doubling_delay_until_it_succeeds(int failures, double expectedMs)
    {
        using var queue = new WorkQueue(_time);
        TimeSpan delay = default;
        for (var i = 0; i < failures; i++)
        {
            delay = queue.AddRateLimited("a");
            _time.Advance(delay);
            Drain(queue);
        }
        Assert.Equal(TimeSpan.FromMilliseconds(expectedMs), delay);
        queue.Forget("a");
        Assert.Equal(WorkQueue.FailureBaseDelay, queue.AddRateLimited("a"));
    }
}

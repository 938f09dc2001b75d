using System.Threading.Channels;
using Microsoft.Extensions.Time.Testing;
using MiniKube.Sup.Pods;

namespace MiniKube.Sup.Tests.Pods;

public class LoopTimersTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly Channel<string> _loop = Channel.CreateUnbounded<string>();
    private readonly LoopTimers<string> _timers;

    public LoopTimersTests() => _timers = new LoopTimers<string>(_time, _loop.Writer);

    private List<string> Posted()
    {
        var posted = new List<string>();
        while (_loop.Reader.TryRead(out var e)) posted.Add(e);
        return posted;
    }

    [Fact]
    public void A_timer_posts_its_event_to_the_loop_once_its_delay_has_passed_and_not_before()
    {
        _timers.After(TimeSpan.FromSeconds(10), "restart");
        _time.Advance(TimeSpan.FromSeconds(9.999));
        Assert.Empty(Posted());
        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(["restart"], Posted());
        _time.Advance(TimeSpan.FromSeconds(60));
        Assert.Empty(Posted());
        Assert.Equal(0, _timers.Armed);
    }

    [Fact]
    public void A_delay_already_over_posts_at_once()
    {
        _timers.After(TimeSpan.FromSeconds(-3), "deadline");
        _timers.After(TimeSpan.Zero, "retry");
        _time.Advance(TimeSpan.Zero);
        Assert.Equal(["deadline", "retry"], Posted().Order().ToList());
    }

    [Fact]
    public void A_cancelled_timer_never_posts()
    {
        var timer = _timers.After(TimeSpan.FromSeconds(5), "step timeout");
        timer.Cancel();
        _time.Advance(TimeSpan.FromSeconds(10));
        Assert.Empty(Posted());
        Assert.Equal(0, _timers.Armed);
    }

    [Fact]
    public void Timers_fire_in_the_order_they_are_due_each_on_its_own()
    {
        _timers.After(TimeSpan.FromSeconds(20), "second");
        _timers.After(TimeSpan.FromSeconds(10), "first");
        _time.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(["first"], Posted());
        _time.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(["second"], Posted());
    }

    [Fact]
    public void When_the_loop_ends_no_timer_posts_any_more_not_even_one_armed_later()
    {
        _timers.After(TimeSpan.FromSeconds(1), "backoff");
        _timers.After(TimeSpan.FromSeconds(2), "deadline");
        _timers.CancelAll();
        _timers.After(TimeSpan.FromSeconds(1), "late");
        _time.Advance(TimeSpan.FromSeconds(5));
        Assert.Empty(Posted());
        Assert.Equal(0, _timers.Armed);
    }
}

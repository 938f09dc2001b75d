using MiniKube.Sup.Processes;

namespace MiniKube.Sup.Tests.Processes;

public class ZombieGraceTests
{
    private static readonly TimeSpan Grace = TimeSpan.FromMilliseconds(100);

    [Fact]
    public void A_zombie_is_due_once_its_grace_has_passed_since_it_was_first_seen()
    {
        var grace = new ZombieGrace(Grace);
        var (due, next) = grace.Observe([7], 1000);
        Assert.Empty(due);
        Assert.Equal(TimeSpan.FromMilliseconds(100), next);
        (due, next) = grace.Observe([7], 1060);
        Assert.Empty(due);
        Assert.Equal(TimeSpan.FromMilliseconds(40), next);
        (due, next) = grace.Observe([7], 1100);
        Assert.Equal([7], due);
        Assert.Null(next);
        Assert.Equal(0, grace.Waiting);
    }

    [Fact]
    public void Every_zombie_whose_grace_is_over_is_due_in_the_same_pass()
    {
        var grace = new ZombieGrace(Grace);
        grace.Observe([1, 2, 3], 0);
        grace.Observe([1, 2, 3, 4], 50);
        var (due, next) = grace.Observe([1, 2, 3, 4, 5], 120);
        Assert.Equal([1, 2, 3], due.Order());
        Assert.Equal(TimeSpan.FromMilliseconds(30), next); // 4 was first seen at 50
        Assert.Equal(2, grace.Waiting);
    }

    [Fact]
    public void A_zombie_reaped_by_someone_else_is_forgotten_so_a_reused_pid_gets_a_new_grace()
    {
        var grace = new ZombieGrace(Grace);
        grace.Observe([9], 0);
        grace.Observe([], 50); // .NET reaped it
        var (due, next) = grace.Observe([9], 120); // the pid came back, for another process
        Assert.Empty(due);
        Assert.Equal(TimeSpan.FromMilliseconds(100), next);
    }

    [Fact]
    public void Clear_forgets_every_waiting_zombie()
    {
        var grace = new ZombieGrace(Grace);
        grace.Observe([1, 2], 0);
        grace.Clear();
        Assert.Equal(0, grace.Waiting);
        Assert.Empty(grace.Observe([1, 2], 150).Due);
    }
}

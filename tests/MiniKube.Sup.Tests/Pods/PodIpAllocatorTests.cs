using MiniKube.Sup.Pods;

namespace MiniKube.Sup.Tests.Pods;

public class PodIpAllocatorTests
{
    [Fact]
    public void Pods_get_distinct_loopback_addresses_from_127_0_1_1()
    {
        var ips = new PodIpAllocator();
        Assert.Equal("127.0.1.1", ips.Allocate());
        Assert.Equal("127.0.1.2", ips.Allocate());
        Assert.Equal("127.0.1.3", ips.Allocate());
    }

    [Fact]
    public void An_adopted_pods_address_is_reserved_and_never_given_to_another_pod()
    {
        var ips = new PodIpAllocator();
        Assert.True(ips.TryReserve("127.0.1.1"));
        Assert.False(ips.TryReserve("127.0.1.1"));
        Assert.False(ips.TryReserve("10.0.0.1")); // outside the range: nothing to hold
        Assert.Equal("127.0.1.2", ips.Allocate());
    }

    [Fact]
    public void A_released_address_is_not_reused_at_once()
    {
        var ips = new PodIpAllocator();
        var first = ips.Allocate();
        ips.Release(first);
        Assert.NotEqual(first, ips.Allocate());
    }

    [Fact]
    public void Network_and_broadcast_like_addresses_are_skipped()
    {
        var ips = new PodIpAllocator();
        var all = Enumerable.Range(0, 600).Select(_ => ips.Allocate()).ToList();
        Assert.Equal(600, all.Distinct().Count());
        Assert.DoesNotContain(all, ip => ip.EndsWith(".0", StringComparison.Ordinal) || ip.EndsWith(".255", StringComparison.Ordinal));
        Assert.Contains("127.0.2.1", all);
    }

    [Fact]
    public void Allocation_wraps_around_to_released_addresses_when_the_range_is_used_up()
    {
        var ips = new PodIpAllocator();
        var all = new List<string>();
        for (var i = 0; i < 255 * 254; i++) all.Add(ips.Allocate());
        Assert.Throws<InvalidOperationException>(ips.Allocate);
        ips.Release("127.0.7.7");
        Assert.Equal("127.0.7.7", ips.Allocate());
    }
}

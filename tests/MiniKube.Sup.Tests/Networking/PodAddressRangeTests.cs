using System.Net;
using MiniKube.Sup.Networking;
using MiniKube.Sup.Pods;

namespace MiniKube.Sup.Tests.Networking;

public class PodAddressRangeTests
{
    [Fact]
    public void The_default_range_is_127_0_1_1_to_127_0_255_254()
    {
        var range = PodAddressRange.Default;
        Assert.Equal(("127.0.1.1", "127.0.255.254", 0), (PodAddressRange.Format(range.First), PodAddressRange.Format(range.Last), range.Block));
        Assert.False(range.Contains(IPAddress.Parse("127.0.0.1")));
    }

    [Fact]
    public void A_block_other_than_0_is_its_whole_slash_16()
    {
        var range = PodAddressRange.OfBlock(5);
        Assert.Equal(("127.5.0.1", "127.5.255.254"), (PodAddressRange.Format(range.First), PodAddressRange.Format(range.Last)));
        Assert.Throws<ArgumentOutOfRangeException>(() => PodAddressRange.OfBlock(PodAddressRange.InPodServicesBlock));
    }

    [Theory]
    [InlineData("127.5.0.0/16", "127.5.0.1", "127.5.255.254")]
    [InlineData("127.9.3.0/24", "127.9.3.1", "127.9.3.254")]
    [InlineData("127.0.0.0/16", "127.0.1.1", "127.0.255.254")]
    [InlineData("127.0.8.0/22", "127.0.8.1", "127.0.11.254")]
    [InlineData("127.4.0.4/30", "127.4.0.5", "127.4.0.6")]
    public void A_pod_cidr_is_read_with_its_first_and_last_pod_address(string cidr, string first, string last)
    {
        var range = PodAddressRange.Parse(cidr, out var error);
        Assert.Null(error);
        Assert.Equal((first, last), (PodAddressRange.Format(range!.First), PodAddressRange.Format(range.Last)));
    }

    [Theory]
    [InlineData("10.0.0.0/16", "not a loopback network")]
    [InlineData("127.0.0.0/8", "spans more than one /16")]
    [InlineData("127.5.0.0/31", "too small")]
    [InlineData("127.253.0.0/16", "names Services inside image pods")]
    [InlineData("127.0.0.0/24", "the host's own addresses")]
    [InlineData("127.5.0.1/16", "bits set past /16 (meant 127.5.0.0/16?)")]
    [InlineData("localhost", "expected a loopback network")]
    [InlineData("::1/128", "expected a loopback network")]
    public void A_pod_cidr_that_cannot_hold_pods_is_refused_with_the_reason(string cidr, string says)
    {
        Assert.Null(PodAddressRange.Parse(cidr, out var error));
        Assert.Contains(says, error);
    }

    [Fact]
    public void The_allocator_hands_out_the_ranges_addresses_and_wraps_within_it()
    {
        var ips = new PodIpAllocator(PodAddressRange.Parse("127.4.0.4/30", out _)!);
        Assert.Equal("127.4.0.5", ips.Allocate());
        Assert.Equal("127.4.0.6", ips.Allocate());
        Assert.Throws<InvalidOperationException>(ips.Allocate);
        ips.Release("127.4.0.5");
        Assert.Equal("127.4.0.5", ips.Allocate());
    }
}

using MiniKube.Sup.Networking;

namespace MiniKube.Sup.Tests.Networking;

/// <summary>Claims are abstract Unix sockets: real ones, so blocks far from where daemons start (0, 1, 2...) are used.</summary>
public class PodAddressLeaseTests
{
    [Fact]
    public void A_block_another_daemon_holds_is_refused_and_free_again_once_it_lets_go()
    {
        var asked = PodAddressRange.Parse("127.211.4.0/24", out _)!;
        var held = PodAddressLease.Claim(asked);
        Assert.Same(asked, held.Range);
        var e = Assert.Throws<PodAddressesTakenException>(() => PodAddressLease.Claim(PodAddressRange.OfBlock(211)));
        Assert.Contains("another sup daemon on this host holds 127.211.0.0/16", e.Message);
        held.Dispose();
        using var again = PodAddressLease.Claim(PodAddressRange.OfBlock(211));
        Assert.Equal(211, again.Range.Block);
    }

    [Fact]
    public void Without_a_pod_cidr_the_preferred_block_is_taken_if_free_else_another()
    {
        using var preferred = PodAddressLease.Claim(null, preferred: 212);
        Assert.Equal(212, preferred.Range.Block);
        using var next = PodAddressLease.Claim(null, preferred: 212);
        Assert.NotEqual(212, next.Range.Block);
        Assert.NotEqual(PodAddressRange.InPodServicesBlock, next.Range.Block);
    }
}

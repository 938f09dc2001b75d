using System.Net;
using MiniKube.Sup.Networking;

namespace MiniKube.Sup.Tests.Networking;

public sealed class LoopbackRedirectsTests
{
    private static IPEndPoint At(string text) => IPEndPoint.Parse(text);

    [Fact]
    public void Services_come_first_then_the_exempt_ranges_then_the_ranges_all_to_one_port()
    {
        var redirects = new LoopbackRedirects(
            [At("127.0.0.9:80"), At("127.0.0.10:443"), At("127.0.0.9:53")],
            [IPNetwork.Parse("127.0.0.0/16")],
            [IPNetwork.Parse("127.0.0.0/24")]);
        Assert.Equal("""
            *nat
            :PREROUTING ACCEPT [0:0]
            :INPUT ACCEPT [0:0]
            :OUTPUT ACCEPT [0:0]
            :POSTROUTING ACCEPT [0:0]
            -A OUTPUT -d 127.0.0.10/32 -p tcp -m tcp --dport 443 -j REDIRECT --to-ports 40000
            -A OUTPUT -d 127.0.0.9/32 -p tcp -m tcp --dport 53 -j REDIRECT --to-ports 40000
            -A OUTPUT -d 127.0.0.9/32 -p tcp -m tcp --dport 80 -j REDIRECT --to-ports 40000
            -A OUTPUT -d 127.0.0.0/24 -p tcp -j RETURN
            -A OUTPUT -d 127.0.0.0/16 -p tcp -j REDIRECT --to-ports 40000
            COMMIT

            """, redirects.Rules(40000));
    }

    [Fact]
    public void The_rules_do_not_depend_on_the_order_destinations_were_given_in()
    {
        var a = new LoopbackRedirects([At("127.0.0.9:80"), At("127.0.0.8:80")], [], []);
        var b = new LoopbackRedirects([At("127.0.0.8:80"), At("127.0.0.9:80"), At("127.0.0.8:80")], [], []);
        Assert.Equal(a.Rules(1), b.Rules(1));
    }

    [Fact]
    public void IPv6_destinations_are_left_out_of_the_IPv4_table()
    {
        var rules = new LoopbackRedirects([At("[::1]:80")], [IPNetwork.Parse("fd00::/8")], []).Rules(1);
        Assert.DoesNotContain("::", rules);
    }
}

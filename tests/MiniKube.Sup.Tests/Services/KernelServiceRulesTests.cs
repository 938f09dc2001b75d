using System.Net;
using MiniKube.Sup.Services;

namespace MiniKube.Sup.Tests.Services;

public sealed class KernelServiceRulesTests
{
    private static readonly KernelServiceRules Rules = new(KernelServiceRules.NameFor("0123456789ab"));

    private static IPEndPoint At(string endPoint) => IPEndPoint.Parse(endPoint);

    [Fact]
    public void Each_port_picks_one_of_its_endpoints_at_random_and_dnats_to_it_in_one_transaction_that_replaces_the_table()
    {
        var script = Rules.Render([
            (At("127.0.0.5:80"), [At("127.0.1.2:8080"), At("127.0.1.3:8080")]),
            (At("127.0.0.1:5000"), [At("127.0.1.4:9000")]),
        ]);
        Assert.Equal("""
            table ip sup_0123456789ab {
            }
            delete table ip sup_0123456789ab
            table ip sup_0123456789ab {
            	chain output {
            		type nat hook output priority -101; policy accept;
            		ip daddr . tcp dport vmap { 127.0.0.1 . 5000 : goto svc_0, 127.0.0.5 . 80 : goto svc_1 }
            	}
            	chain svc_0 {
            		numgen random mod 1 vmap { 0 : goto ep_0_0 }
            	}
            	chain ep_0_0 {
            		meta l4proto tcp counter dnat to 127.0.1.4:9000
            	}
            	chain svc_1 {
            		numgen random mod 2 vmap { 0 : goto ep_1_0, 1 : goto ep_1_1 }
            	}
            	chain ep_1_0 {
            		meta l4proto tcp counter dnat to 127.0.1.2:8080
            	}
            	chain ep_1_1 {
            		meta l4proto tcp counter dnat to 127.0.1.3:8080
            	}
            }

            """.Replace("\r", ""), script);
    }

    [Fact]
    public void A_port_without_endpoints_gets_no_rule_its_connections_reach_the_placeholder_listener()
    {
        var script = Rules.Render([(At("127.0.0.5:80"), [At("127.0.1.1:8080")]), (At("127.0.0.6:80"), [])]);
        Assert.Contains("127.0.0.5 . 80", script);
        Assert.DoesNotContain("127.0.0.6", script);
    }

    [Fact]
    public void With_nothing_to_forward_there_is_no_table_so_a_killed_daemon_without_Services_leaves_nothing() =>
        Assert.Equal(Rules.Removal(), Rules.Render([(At("127.0.0.5:80"), [])]));

    [Fact]
    public void The_start_probe_is_the_empty_table_with_its_nat_chain() =>
        Assert.Contains("type nat hook output priority -101; policy accept;", Rules.Probe());

    [Fact]
    public void Removal_deletes_the_table_whether_or_not_it_exists() =>
        Assert.Equal("table ip sup_0123456789ab {\n}\ndelete table ip sup_0123456789ab\n", Rules.Removal());
}

using MiniKube.Sup.Pods;
using MiniKube.Sup.Runtime;

namespace MiniKube.Sup.Tests.Pods;

public sealed class EngineHostsFileTests
{
    // As podman 4.3 wrote it for a pod made with --add-host web:10.89.0.2, after one container (app) started.
    private const string Podman = "10.89.0.2\tweb\n127.0.0.1\tlocalhost\n10.88.0.1\thost.containers.internal\n10.88.2.191\tclient client-infra\n127.0.0.1\tapp\n";

    [Fact]
    public void The_engines_lines_stay_and_the_Services_it_was_made_with_are_replaced_by_ours_marked()
    {
        var text = EngineHostsFile.Merge(Podman, [new HostEntry("web", "10.89.0.2")], [new HostEntry("web", "10.89.0.2"), new HostEntry("late", "10.89.0.3")]);

        Assert.Equal("127.0.0.1\tlocalhost\n10.88.0.1\thost.containers.internal\n10.88.2.191\tclient client-infra\n127.0.0.1\tapp\n"
            + "10.89.0.2\tweb\t# sup\n10.89.0.3\tlate\t# sup\n", text);
    }

    [Fact]
    public void A_rewrite_replaces_our_lines_and_keeps_a_line_the_engine_added_since()
    {
        var first = EngineHostsFile.Merge(Podman, [new HostEntry("web", "10.89.0.2")], [new HostEntry("late", "10.89.0.3")]);
        var withSidecar = first + "127.0.0.1\tsidecar\n";

        var text = EngineHostsFile.Merge(withSidecar, [new HostEntry("web", "10.89.0.2")], []);

        Assert.Equal("127.0.0.1\tlocalhost\n10.88.0.1\thost.containers.internal\n10.88.2.191\tclient client-infra\n127.0.0.1\tapp\n127.0.0.1\tsidecar\n", text);
        Assert.Equal(text, EngineHostsFile.Merge(text, [new HostEntry("web", "10.89.0.2")], []));
    }
}

using MiniKube.Sup.Runtime;
using MiniKube.Sup.Runtime.Engine;

namespace MiniKube.Sup.Tests.Runtime.Engine;

public sealed class DockerArgumentsTests
{
    private static readonly ContainerUlimits Limits = new((1024, 20000), (4096, 4096));

    private static ContainerLaunch Launch(IReadOnlyList<string>? entrypoint = null, IReadOnlyList<string>? args = null) =>
        new("web", "app", [], new Dictionary<string, string>(), "/", "/logs/0.log", "owner", "uid-1234567890", 3)
        {
            Namespace = "shop",
            Image = new ImageLaunch("busybox:1.28", ImageLaunch.PullIfNotPresent, entrypoint, args, null, [], ContainerSecurity.None,
                ContainerLimits.None, TimeSpan.FromSeconds(30)),
        };

    private static List<string> ValuesOf(List<string> args, string flag) =>
        args.Select((a, i) => (a, i)).Where(x => x.a == flag).Select(x => args[x.i + 1]).ToList();

    [Fact]
    public void A_pods_pause_container_publishes_every_containerPort_on_the_pod_address_and_holds_its_hostname_and_hosts()
    {
        var request = new SandboxRequest("web", "shop", "uid-1", "127.0.1.7", Hostname: "web-0",
            Ports: [new PublishedPort(80), new PublishedPort(53, "UDP")], Hosts: [new HostEntry("db", "127.0.0.1")], RunsImages: true);
        var args = DockerArguments.CreatePause(request, "d1", "sup-d1_shop_web_uid-1");
        Assert.Equal(["run", "--detach", "--name", "sup-d1_shop_web_uid-1"], args.Take(4));
        Assert.Equal(["sup.daemon=d1", "sup.namespace=shop", "sup.pod=web", "sup.pod-uid=uid-1"], ValuesOf(args, "--label"));
        Assert.Equal(["127.0.1.7:80:80/tcp", "127.0.1.7:53:53/udp"], ValuesOf(args, "--publish"));
        Assert.Equal(["web-0"], ValuesOf(args, "--hostname"));
        Assert.Equal(["db:127.0.0.1"], ValuesOf(args, "--add-host"));
        Assert.Equal(["shareable"], ValuesOf(args, "--ipc"));
        Assert.Equal(["never"], ValuesOf(args, "--pull"));
        Assert.Empty(ValuesOf(args, "--network"));
        Assert.Equal(["sh", DockerArguments.PauseImage, "-c"], args.SkipWhile(a => a != "--entrypoint").Skip(1).Take(3));
    }

    [Fact]
    public void On_the_host_network_the_pause_container_publishes_nothing_and_keeps_the_hosts_name()
    {
        var request = new SandboxRequest("web", "default", "uid-1", "127.0.0.1", HostNetwork: true, Hostname: "web", Ports: [new PublishedPort(80)], RunsImages: true);
        var args = DockerArguments.CreatePause(request, "d1", "p");
        Assert.Equal(["host"], ValuesOf(args, "--network"));
        Assert.Empty(ValuesOf(args, "--publish"));
        Assert.Empty(ValuesOf(args, "--hostname")); // docker refuses a hostname on the host's network; k8s gives the node's
    }

    [Theory]
    [InlineData(false, new[] { "container:pause" }, new string[0])]
    [InlineData(true, new[] { "container:pause" }, new[] { "container:pause" })]
    public void A_container_joins_the_pause_containers_network_and_ipc_and_its_pids_when_shared(bool sharePids, string[] ipc, string[] pid)
    {
        var args = DockerArguments.CreateContainer(Launch(), "d1", "pod_app_3", "pause", sharePids, Limits);
        Assert.Equal(["create", "--network", "container:pause"], args.Take(3));
        Assert.Equal(ipc, ValuesOf(args, "--ipc"));
        Assert.Equal(pid, ValuesOf(args, "--pid"));
        Assert.Equal(["pod_app_3"], ValuesOf(args, "--name"));
        Assert.Equal(["sup.daemon=d1", "sup.namespace=shop", "sup.pod=web", "sup.pod-uid=uid-1234567890", "sup.container=app"], ValuesOf(args, "--label"));
        Assert.Equal(["local"], ValuesOf(args, "--log-driver")); // followed by docker logs, not attached
        Assert.Equal(["nofile=1024:20000", "nproc=4096:4096"], ValuesOf(args, "--ulimit"));
        Assert.Equal("busybox:1.28", args[^1]);
    }

    [Theory]
    [InlineData(null, null, "", "")]                               // the image's ENTRYPOINT and CMD
    [InlineData("sh,-c", null, "sh", "-c")]                        // command replaces ENTRYPOINT (docker drops CMD with it)
    [InlineData(null, "echo,hi", "", "echo hi")]                   // args replace CMD only
    [InlineData("sh,-c", "echo $X", "sh", "-c echo $X")]           // docker's --entrypoint takes one word: the rest goes first
    public void Command_replaces_the_entrypoint_and_args_the_cmd(string? command, string? args, string entrypoint, string cmd)
    {
        var argv = DockerArguments.CreateContainer(Launch(command?.Split(','), args?.Split(',')), "d1", "n", "pause", false, Limits);
        Assert.Equal(entrypoint, ValuesOf(argv, "--entrypoint").SingleOrDefault() ?? "");
        Assert.Equal(cmd, string.Join(' ', argv.Skip(argv.IndexOf("busybox:1.28") + 1)));
    }
}

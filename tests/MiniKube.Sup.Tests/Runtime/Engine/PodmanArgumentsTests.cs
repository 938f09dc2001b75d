using MiniKube.Sup.Runtime;
using MiniKube.Sup.Runtime.Engine;

namespace MiniKube.Sup.Tests.Runtime.Engine;

public sealed class PodmanArgumentsTests
{
    private static readonly ContainerUlimits Limits = new((1024, 20000), (4096, 4096));

    private static ContainerLaunch Launch(ImageLaunch image, Dictionary<string, string>? env = null) =>
        new("web", "app", [], env ?? new Dictionary<string, string>(), "/", "/logs/0.log", "owner", "uid-1234567890", 3)
        {
            Namespace = "shop",
            Image = image,
        };

    private static ImageLaunch Image(IReadOnlyList<string>? entrypoint = null, IReadOnlyList<string>? args = null, ContainerSecurity? security = null,
        ContainerLimits? limits = null, IReadOnlyList<BindMount>? mounts = null, string? workingDir = null) =>
        new("busybox:1.28", ImageLaunch.PullIfNotPresent, entrypoint, args, workingDir, mounts ?? [], security ?? ContainerSecurity.None,
            limits ?? ContainerLimits.None, TimeSpan.FromSeconds(30));

    private static List<string> Create(ContainerLaunch launch) => PodmanArguments.CreateContainer(launch, "d1", "pod_app_3", "pod", Limits);

    /// <summary>The arguments that follow <paramref name="flag"/> each time it appears.</summary>
    private static List<string> ValuesOf(List<string> args, string flag) =>
        args.Select((a, i) => (a, i)).Where(x => x.a == flag).Select(x => args[x.i + 1]).ToList();

    [Fact]
    public void A_container_is_made_in_its_pod_labelled_with_the_daemon_and_the_pod_and_keeps_a_bounded_log_for_a_daemon_that_adopts_it()
    {
        var args = Create(Launch(Image()));
        Assert.Equal(["create", "--pod", "pod", "--name", "pod_app_3"], args.Take(5));
        Assert.Equal(["sup.daemon=d1", "sup.namespace=shop", "sup.pod=web", "sup.pod-uid=uid-1234567890", "sup.container=app"], ValuesOf(args, "--label"));
        Assert.Equal(["never"], ValuesOf(args, "--pull"));
        Assert.Equal(["k8s-file"], ValuesOf(args, "--log-driver"));
        Assert.Equal(["max-size=10mb"], ValuesOf(args, "--log-opt"));
        Assert.Equal(["nofile=1024:20000", "nproc=4096:4096"], ValuesOf(args, "--ulimit"));
        Assert.Equal(["30"], ValuesOf(args, "--stop-timeout"));
        Assert.Equal("busybox:1.28", args[^1]);
    }

    [Theory]
    [InlineData(null, null, "", "")]                                   // the image's ENTRYPOINT and CMD
    [InlineData("sh,-c", null, "[\"sh\",\"-c\"]", "")]                 // command replaces ENTRYPOINT, and CMD with it
    [InlineData(null, "echo,hi", "", "echo hi")]                       // args replace CMD only
    [InlineData("sh,-c", "echo $X", "[\"sh\",\"-c\"]", "echo $X")]     // both; no shell splits anything
    public void Command_replaces_the_entrypoint_and_args_the_cmd(string? command, string? args, string entrypoint, string cmd)
    {
        var argv = Create(Launch(Image(command?.Split(','), args?.Split(','))));
        Assert.Equal(entrypoint, ValuesOf(argv, "--entrypoint").SingleOrDefault() ?? "");
        var image = argv.IndexOf("busybox:1.28");
        Assert.Equal(cmd, string.Join(' ', argv.Skip(image + 1)));
    }

    [Fact]
    public void The_environment_is_passed_whole_and_in_a_stable_order()
    {
        var argv = Create(Launch(Image(), new Dictionary<string, string> { ["B"] = "two words", ["A"] = "x=y", ["POD_IP"] = "127.0.1.4" }));
        Assert.Equal(["A=x=y", "B=two words", "POD_IP=127.0.1.4"], ValuesOf(argv, "--env"));
    }

    [Fact]
    public void Volume_mounts_are_bind_mounts_read_only_when_asked_and_working_dir_is_kept()
    {
        var argv = Create(Launch(Image(mounts: [new BindMount("/state/pods/web/volumes/data", "/data"), new BindMount("/state/pods/web/volumes/cfg/app.conf", "/etc/app.conf", ReadOnly: true)],
            workingDir: "/data")));
        Assert.Equal(["/state/pods/web/volumes/data:/data", "/state/pods/web/volumes/cfg/app.conf:/etc/app.conf:ro"], ValuesOf(argv, "--volume"));
        Assert.Equal(["/data"], ValuesOf(argv, "--workdir"));
    }

    [Fact]
    public void SecurityContext_maps_to_user_groups_read_only_privileged_and_capabilities()
    {
        var argv = Create(Launch(Image(security: new ContainerSecurity(1000, 3000, true, [4000, 5000], ReadOnlyRootFilesystem: true, Privileged: true,
            AddCapabilities: ["NET_ADMIN"], DropCapabilities: ["ALL"], AllowPrivilegeEscalation: false))));
        Assert.Equal(["1000:3000"], ValuesOf(argv, "--user"));
        Assert.Equal(["4000", "5000"], ValuesOf(argv, "--group-add"));
        Assert.Contains("--read-only", argv);
        Assert.Contains("--privileged", argv);
        Assert.Equal(["NET_ADMIN"], ValuesOf(argv, "--cap-add"));
        Assert.Equal(["ALL"], ValuesOf(argv, "--cap-drop"));
        Assert.Equal(["no-new-privileges"], ValuesOf(argv, "--security-opt"));
    }

    [Fact]
    public void No_securityContext_adds_no_security_flags()
    {
        var argv = Create(Launch(Image()));
        foreach (var flag in new[] { "--user", "--group-add", "--read-only", "--privileged", "--cap-add", "--cap-drop", "--security-opt" })
            Assert.DoesNotContain(flag, argv);
    }

    [Fact]
    public void Limits_are_memory_without_swap_and_cpus()
    {
        var argv = Create(Launch(Image(limits: new ContainerLimits(64 * 1024 * 1024, 0.5m))));
        Assert.Equal(["67108864"], ValuesOf(argv, "--memory"));
        Assert.Equal(["67108864"], ValuesOf(argv, "--memory-swap"));
        Assert.Equal(["0.5"], ValuesOf(argv, "--cpus"));
    }

    [Fact]
    public void Unlimited_process_limits_are_minus_one_for_podman()
    {
        var argv = PodmanArguments.CreateContainer(Launch(Image()), "d1", "n", "pod", new ContainerUlimits((1024, 1024), (ulong.MaxValue, ulong.MaxValue)));
        Assert.Contains("nproc=-1:-1", argv);
    }

    [Fact]
    public void A_pod_publishes_every_containerPort_on_its_own_address_and_resolves_its_hosts()
    {
        var request = new SandboxRequest("web", "shop", "uid-1", "127.0.1.7", Hostname: "web-0",
            Ports: [new PublishedPort(80), new PublishedPort(53, "UDP")], Hosts: [new HostEntry("db", "127.0.0.1")], RunsImages: true);
        var args = PodmanArguments.CreatePod(request, "d1", "sup-d1_shop_web_uid-1");
        Assert.Equal(["pod", "create", "--name", "sup-d1_shop_web_uid-1", "--infra-name", "sup-d1_shop_web_uid-1_infra"], args.Take(6));
        Assert.Equal(["127.0.1.7:80:80/tcp", "127.0.1.7:53:53/udp"], ValuesOf(args, "--publish"));
        Assert.Equal(["web-0"], ValuesOf(args, "--hostname"));
        Assert.Equal(["db:127.0.0.1"], ValuesOf(args, "--add-host"));
        Assert.Equal(["ipc,net,uts"], ValuesOf(args, "--share"));
        Assert.Empty(ValuesOf(args, "--network"));
        Assert.Contains("sup.daemon=d1", ValuesOf(args, "--label"));
    }

    [Fact]
    public void HostNetwork_uses_the_host_network_and_publishes_nothing_and_shareProcessNamespace_shares_pids()
    {
        var request = new SandboxRequest("web", "default", "uid-1", "127.0.0.1", HostNetwork: true, Ports: [new PublishedPort(80)], RunsImages: true);
        var args = PodmanArguments.CreatePod(request, "d1", "p", shareProcessNamespace: true);
        Assert.Equal(["host"], ValuesOf(args, "--network"));
        Assert.Empty(ValuesOf(args, "--publish"));
        Assert.Equal(["ipc,net,uts,pid"], ValuesOf(args, "--share"));
    }
}

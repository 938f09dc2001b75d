using k8s.Models;
using MiniKube.Sup.Pods;
using MiniKube.Sup.Volumes;

namespace MiniKube.Sup.Tests.Pods;

public sealed class PodHostnameTests
{
    private static V1Pod Pod(string name, string? hostname = null, bool hostNetwork = false) =>
        new() { Metadata = new V1ObjectMeta { Name = name }, Spec = new V1PodSpec { Hostname = hostname, HostNetwork = hostNetwork } };

    private static Dictionary<string, string> Environment(V1Pod pod, params V1EnvVar[] env) =>
        ContainerEnvironment.Build(pod, new V1Container { Name = "app", Env = env }, new Dictionary<string, string> { ["HOSTNAME"] = "the-host" }, "127.0.1.5", ConfigSources.Empty).Full;

    [Fact]
    public void A_container_sees_its_pods_hostname_in_HOSTNAME_over_the_daemons()
    {
        Assert.Equal("web-0", Environment(Pod("web-0"))["HOSTNAME"]);
        Assert.Equal("db", Environment(Pod("web-0", hostname: "db"))["HOSTNAME"]);
    }

    [Fact]
    public void A_declared_HOSTNAME_wins()
    {
        Assert.Equal("mine", Environment(Pod("web-0"), new V1EnvVar { Name = "HOSTNAME", Value = "mine" })["HOSTNAME"]);
    }

    [Fact]
    public void The_hostname_is_cut_to_63_characters_and_a_pod_on_the_hosts_network_has_the_hosts()
    {
        Assert.Equal(new string('a', 63), PodHostname.Of(Pod(new string('a', 70))));
        Assert.Equal(System.Environment.MachineName, PodHostname.Of(Pod("web", hostNetwork: true)));
    }
}

using MiniKube.Sup.Runtime;
using MiniKube.Sup.Tests.Pods;

namespace MiniKube.Sup.Tests.Runtime;

public sealed class PodRuntimesTests
{
    private readonly FakeContainerRuntime _host = new();
    private readonly FakeContainerRuntime _engine = new();

    private static ContainerLaunch Launch(ImageLaunch? image) =>
        new("p", "app", ["sleep", "1"], new Dictionary<string, string>(), "/", "/dev/null", "owner") { Image = image };

    private static readonly ImageLaunch Busybox = new("busybox", ImageLaunch.PullIfNotPresent, null, null, null, [], ContainerSecurity.None,
        ContainerLimits.None, TimeSpan.FromSeconds(1));

    [Fact]
    public async Task Image_pods_go_to_the_engine_and_host_pods_to_the_host_runtime_and_exec_follows_the_instance()
    {
        var runtimes = new PodRuntimes(_host, _engine);
        await runtimes.CreateSandboxAsync(new SandboxRequest("a", "default", "u", "127.0.1.1", RunsImages: true), CancellationToken.None);
        await runtimes.CreateSandboxAsync(new SandboxRequest("b", "default", "u", "127.0.1.2"), CancellationToken.None);
        Assert.Equal("a", Assert.Single(_engine.Sandboxes).PodName);
        Assert.Equal("b", Assert.Single(_host.Sandboxes).PodName);

        var inEngine = await runtimes.StartAsync(Launch(Busybox), CancellationToken.None);
        var onHost = await runtimes.StartAsync(Launch(null), CancellationToken.None);
        Assert.Single(_engine.Started);
        Assert.Single(_host.Started);

        await runtimes.ExecAsync(inEngine, ["true"], TimeSpan.FromSeconds(1), CancellationToken.None);
        await runtimes.ExecAsync(onHost, ["false"], TimeSpan.FromSeconds(1), CancellationToken.None);
        Assert.Equal(["true"], Assert.Single(_engine.Execs).Command);
        Assert.Equal(["false"], Assert.Single(_host.Execs).Command);
    }
}

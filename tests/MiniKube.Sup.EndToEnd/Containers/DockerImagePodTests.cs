using MiniKube.Sup.Runtime.Engine;
using static MiniKube.Sup.EndToEnd.Containers.ImagePods;

namespace MiniKube.Sup.EndToEnd.Containers;

/// <summary><see cref="ImagePodTests"/> under docker (the dockerd DOCKER_HOST names; fails, saying so, when none
/// answers), and what is docker's own: which daemon DOCKER_HOST names.</summary>
[Collection(ContainersCollection.Name)]
public sealed class DockerImagePodTests() : ImagePodTests(TestEngine.Docker), IClassFixture<DockerImages>
{
    [Fact]
    public async Task The_daemon_asks_the_dockerd_DOCKER_HOST_names_and_an_image_pod_waits_saying_so_when_none_answers_there()
    {
        var socket = Path.Combine(Path.GetTempPath(), $"sup-no-dockerd-{Guid.NewGuid():N}.sock");
        await using var d = new SupDaemon("""
            apiVersion: v1
            kind: Pod
            metadata: {name: image}
            spec:
              containers: [{name: app, image: busybox}]
            """) { Launcher = ["env", $"DOCKER_HOST=unix://{socket}"] };
        await d.StartAsync(extra: ["--container-engine", "docker"]);
        await UntilAsync(async () => Field(await ContainerStatusAsync(d, "image", "app"), "state", "waiting", "message") is { } message
            && message.Contains("no container engine is usable") && message.Contains($"DOCKER_HOST=unix://{socket}"), "waiting, naming DOCKER_HOST");
        Assert.Equal(0, await d.StopAsync());
    }

    /// <summary>Where tests/images/build.sh has not run, the pause image is made from the busybox image (a tag: the
    /// command it runs is the daemon's own). The next build.sh builds it again.</summary>
    [Fact]
    public async Task Without_the_pause_image_the_daemon_makes_it_from_busybox()
    {
        await TestEngine.Docker.OutputAsync("image", "rm", DockerArguments.PauseImage);
        await using var d = await StartAsync("""
            apiVersion: v1
            kind: Pod
            metadata: {name: paused}
            spec:
              terminationGracePeriodSeconds: 1
              containers: [{name: app, image: busybox, command: ["sleep", "600"]}]
            """, "--container-engine", "docker");
        await d.WaitForPodAsync("paused");
        var ids = await TestEngine.Docker.OutputAsync("image", "inspect", "--format", "{{.Id}}", DockerArguments.PauseImage, TestImages.Busybox);
        Assert.Single(ids.Split('\n', StringSplitOptions.RemoveEmptyEntries).Distinct());
        Assert.Equal(0, await d.StopAsync());
    }
}

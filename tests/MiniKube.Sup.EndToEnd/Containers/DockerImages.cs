namespace MiniKube.Sup.EndToEnd.Containers;

/// <summary>The test images in the store of the dockerd DOCKER_HOST names.</summary>
public sealed class DockerImages() : TestImages(TestEngine.Docker);

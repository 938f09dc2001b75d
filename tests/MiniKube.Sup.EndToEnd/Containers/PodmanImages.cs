namespace MiniKube.Sup.EndToEnd.Containers;

/// <summary>The test images in podman's store.</summary>
public sealed class PodmanImages() : TestImages(TestEngine.Podman);

namespace MiniKube.Sup.EndToEnd.Containers;

/// <summary><see cref="TestImagesTests"/> under podman.</summary>
[Collection(ContainersCollection.Name)]
public sealed class PodmanTestImagesTests() : TestImagesTests(TestEngine.Podman), IClassFixture<PodmanImages>;

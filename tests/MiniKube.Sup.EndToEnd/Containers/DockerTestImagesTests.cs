namespace MiniKube.Sup.EndToEnd.Containers;

/// <summary><see cref="TestImagesTests"/> under docker.</summary>
[Collection(ContainersCollection.Name)]
public sealed class DockerTestImagesTests() : TestImagesTests(TestEngine.Docker), IClassFixture<DockerImages>;

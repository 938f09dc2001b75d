namespace MiniKube.Sup.EndToEnd.Containers;

/// <summary><see cref="ImagePodTests"/> under podman.</summary>
[Collection(ContainersCollection.Name)]
public sealed class PodmanImagePodTests() : ImagePodTests(TestEngine.Podman), IClassFixture<PodmanImages>;

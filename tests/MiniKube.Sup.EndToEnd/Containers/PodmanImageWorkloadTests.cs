namespace MiniKube.Sup.EndToEnd.Containers;

/// <summary><see cref="ImageWorkloadTests"/> under podman.</summary>
[Collection(ContainersCollection.Name)]
public sealed class PodmanImageWorkloadTests() : ImageWorkloadTests(TestEngine.Podman), IClassFixture<PodmanImages>;

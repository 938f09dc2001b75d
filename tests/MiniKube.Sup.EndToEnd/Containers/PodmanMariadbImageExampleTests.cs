namespace MiniKube.Sup.EndToEnd.Containers;

/// <summary><see cref="MariadbImageExampleTests"/> under podman.</summary>
[Collection(ContainersCollection.Name)]
public sealed class PodmanMariadbImageExampleTests() : MariadbImageExampleTests(TestEngine.Podman), IClassFixture<PodmanImages>;

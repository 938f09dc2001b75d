namespace MiniKube.Sup.EndToEnd.Containers;

/// <summary><see cref="EtlImageExampleTests"/> under podman.</summary>
[Collection(ContainersCollection.Name)]
public sealed class PodmanEtlImageExampleTests() : EtlImageExampleTests(TestEngine.Podman), IClassFixture<PodmanImages>;

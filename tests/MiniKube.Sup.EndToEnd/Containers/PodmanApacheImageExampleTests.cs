namespace MiniKube.Sup.EndToEnd.Containers;

/// <summary><see cref="ApacheImageExampleTests"/> under podman.</summary>
[Collection(ContainersCollection.Name)]
public sealed class PodmanApacheImageExampleTests() : ApacheImageExampleTests(TestEngine.Podman), IClassFixture<PodmanImages>;

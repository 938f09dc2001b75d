namespace MiniKube.Sup.EndToEnd.Containers;

/// <summary><see cref="NginxImageExampleTests"/> under podman.</summary>
[Collection(ContainersCollection.Name)]
public sealed class PodmanNginxImageExampleTests() : NginxImageExampleTests(TestEngine.Podman), IClassFixture<PodmanImages>;

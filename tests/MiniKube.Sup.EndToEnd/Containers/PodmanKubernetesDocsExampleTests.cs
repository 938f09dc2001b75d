namespace MiniKube.Sup.EndToEnd.Containers;

/// <summary><see cref="KubernetesDocsExampleTests"/> under podman.</summary>
[Collection(ContainersCollection.Name)]
public sealed class PodmanKubernetesDocsExampleTests() : KubernetesDocsExampleTests(TestEngine.Podman), IClassFixture<PodmanImages>;

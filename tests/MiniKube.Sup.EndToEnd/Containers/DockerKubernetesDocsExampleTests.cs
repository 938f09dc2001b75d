namespace MiniKube.Sup.EndToEnd.Containers;

/// <summary><see cref="KubernetesDocsExampleTests"/> under docker.</summary>
[Collection(ContainersCollection.Name)]
public sealed class DockerKubernetesDocsExampleTests() : KubernetesDocsExampleTests(TestEngine.Docker), IClassFixture<DockerImages>;

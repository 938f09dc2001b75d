namespace MiniKube.Sup.EndToEnd.Containers;

/// <summary><see cref="EtlImageExampleTests"/> under docker (the dockerd DOCKER_HOST names; fails, saying so, when none answers).</summary>
[Collection(ContainersCollection.Name)]
public sealed class DockerEtlImageExampleTests() : EtlImageExampleTests(TestEngine.Docker), IClassFixture<DockerImages>;

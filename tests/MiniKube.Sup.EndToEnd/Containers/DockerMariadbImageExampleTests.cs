namespace MiniKube.Sup.EndToEnd.Containers;

/// <summary><see cref="MariadbImageExampleTests"/> under docker (the dockerd DOCKER_HOST names; fails, saying so, when none answers).</summary>
[Collection(ContainersCollection.Name)]
public sealed class DockerMariadbImageExampleTests() : MariadbImageExampleTests(TestEngine.Docker), IClassFixture<DockerImages>;

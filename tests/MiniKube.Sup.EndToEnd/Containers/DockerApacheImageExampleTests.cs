namespace MiniKube.Sup.EndToEnd.Containers;

/// <summary><see cref="ApacheImageExampleTests"/> under docker (the dockerd DOCKER_HOST names; fails, saying so, when none answers).</summary>
[Collection(ContainersCollection.Name)]
public sealed class DockerApacheImageExampleTests() : ApacheImageExampleTests(TestEngine.Docker), IClassFixture<DockerImages>;

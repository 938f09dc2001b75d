namespace MiniKube.Sup.EndToEnd.Containers;

/// <summary><see cref="NginxImageExampleTests"/> under docker (the dockerd DOCKER_HOST names; fails, saying so, when none answers).</summary>
[Collection(ContainersCollection.Name)]
public sealed class DockerNginxImageExampleTests() : NginxImageExampleTests(TestEngine.Docker), IClassFixture<DockerImages>;

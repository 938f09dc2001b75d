namespace MiniKube.Sup.EndToEnd.Containers;

/// <summary><see cref="ImageWorkloadTests"/> under docker (the dockerd DOCKER_HOST names; fails, saying so, when none answers).</summary>
[Collection(ContainersCollection.Name)]
public sealed class DockerImageWorkloadTests() : ImageWorkloadTests(TestEngine.Docker), IClassFixture<DockerImages>;

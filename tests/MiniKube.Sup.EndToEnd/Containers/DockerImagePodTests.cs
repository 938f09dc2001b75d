namespace MiniKube.Sup.EndToEnd.Containers;

/// <summary><see cref="ImagePodTests"/> under docker (the dockerd DOCKER_HOST names; fails, saying so, when none answers).</summary>
[Collection(ContainersCollection.Name)]
public sealed class DockerImagePodTests() : ImagePodTests(TestEngine.Docker), IClassFixture<DockerImages>;

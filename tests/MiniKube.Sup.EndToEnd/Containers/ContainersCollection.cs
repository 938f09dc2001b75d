namespace MiniKube.Sup.EndToEnd.Containers;

/// <summary>Tests that run containers, podman's and docker's, one class at a time: every daemon gives its first pods
/// the same loopback addresses (127.0.1.1, ...) and the tests of both engines publish the same ports on them. Each
/// class takes its engine's images as a class fixture (<see cref="PodmanImages"/>, <see cref="DockerImages"/>), so
/// that an engine that does not answer fails its own tests only.</summary>
[CollectionDefinition(Name)]
public sealed class ContainersCollection
{
    public const string Name = "Containers";
}

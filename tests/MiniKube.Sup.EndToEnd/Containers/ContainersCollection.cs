namespace MiniKube.Sup.EndToEnd.Containers;

/// <summary>Tests that run containers under podman: the test images exist before the first of them runs. (A test
/// class that should run beside the others takes <c>IClassFixture&lt;TestImages&gt;</c> instead.)</summary>
[CollectionDefinition(Name)]
public sealed class ContainersCollection : ICollectionFixture<TestImages>
{
    public const string Name = "Containers";
}

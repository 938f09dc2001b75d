namespace MiniKube.Sup.EndToEnd.Containers;

/// <summary>The images of tests/images/build.sh exist in the engine's store (busybox, nginx, apache2, mariadb and the agnhost stand-in,
/// under the names the Kubernetes documentation uses; docker's pause image too): the script runs once per engine and
/// test run and returns at once when they are up to date. A class fixture (<see cref="PodmanImages"/>,
/// <see cref="DockerImages"/>), or await <see cref="EnsureBuiltAsync"/>. An engine that does not answer fails the
/// tests that need it, saying what to do.</summary>
public abstract class TestImages(TestEngine engine) : IAsyncLifetime
{
    /// <summary>What a manifest's <c>image: busybox</c> is, as the engines resolve it.</summary>
    public const string Busybox = "docker.io/library/busybox:latest";

    public const string Nginx = "docker.io/library/nginx:1.14.2";

    /// <summary>Not agnhost: a stand-in that knows its <c>liveness</c> and <c>pause</c> (tests/images/agnhost/).</summary>
    public const string Agnhost = "registry.k8s.io/e2e-test-images/agnhost:2.40";

    private static readonly Dictionary<TestEngine, Lazy<Task>> Builds = new()
    {
        [TestEngine.Podman] = new(() => BuildAsync(TestEngine.Podman)),
        [TestEngine.Docker] = new(() => BuildAsync(TestEngine.Docker)),
    };

    public TestEngine Engine => engine;

    /// <summary>Built once per engine; a failed build fails every caller with the script's output.</summary>
    public static Task EnsureBuiltAsync(TestEngine engine) => Builds[engine].Value;

    public Task InitializeAsync() => EnsureBuiltAsync(engine);

    public Task DisposeAsync() => Task.CompletedTask;

    private static async Task BuildAsync(TestEngine engine)
    {
        await engine.EnsureReachableAsync();
        var script = Path.Combine(Binaries.Tests, "images", "build.sh");
        // A cold build takes seconds; a loaded machine may take much longer.
        var result = await MarkedCommand.RunAsync(script, [engine.Name], TimeSpan.FromMinutes(5));
        if (result.ExitCode != 0)
            throw new InvalidOperationException($"{script} {engine.Name} exited {result.ExitCode}:\n{result.StandardOutput}{result.StandardError}");
    }
}

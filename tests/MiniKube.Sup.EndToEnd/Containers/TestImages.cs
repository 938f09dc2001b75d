namespace MiniKube.Sup.EndToEnd.Containers;

/// <summary>The images of tests/images/build.sh exist in podman's store (busybox, nginx and the agnhost stand-in,
/// under the names the Kubernetes documentation uses): the script runs once per test run and returns at once when
/// they are up to date. A class or collection fixture (<see cref="ContainersCollection"/>), or await
/// <see cref="EnsureBuiltAsync"/>.</summary>
public sealed class TestImages : IAsyncLifetime
{
    /// <summary>What a manifest's <c>image: busybox</c> is, as the engines resolve it.</summary>
    public const string Busybox = "docker.io/library/busybox:latest";

    public const string Nginx = "docker.io/library/nginx:1.14.2";

    /// <summary>Not agnhost: a stand-in that knows its <c>liveness</c> and <c>pause</c> (tests/images/agnhost/).</summary>
    public const string Agnhost = "registry.k8s.io/e2e-test-images/agnhost:2.40";

    private static readonly Lazy<Task> Built = new(BuildAsync);

    /// <summary>Built once; a failed build fails every caller with the script's output.</summary>
    public static Task EnsureBuiltAsync() => Built.Value;

    public Task InitializeAsync() => EnsureBuiltAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    private static async Task BuildAsync()
    {
        var script = Path.Combine(Binaries.Tests, "images", "build.sh");
        // A cold build takes seconds; a loaded machine may take much longer.
        var result = await MarkedCommand.RunAsync(script, ["podman"], TimeSpan.FromMinutes(5));
        if (result.ExitCode != 0)
            throw new InvalidOperationException($"{script} podman exited {result.ExitCode}:\n{result.StandardOutput}{result.StandardError}");
    }
}

using MiniKube.Sup.Runtime.Engine;

namespace MiniKube.Sup.EndToEnd.Containers;

/// <summary>
/// The images the container tests run, built on this machine (no registry is reachable): tests/images/build.sh
/// builds and tags them (busybox as the Kubernetes documentation names it). Built once per test run.
/// </summary>
internal static class TestImages
{
    public const string Busybox = "busybox";

    private static readonly Lazy<Task> Built = new(BuildAsync);

    public static Task EnsureAsync() => Built.Value;

    private static async Task BuildAsync()
    {
        var script = Path.Combine(Binaries.RepositoryRoot, "tests", "images", "build.sh");
        if (File.Exists(script))
        {
            var (code, output, error) = await SupDaemon.Run("bash", [script, "podman"], timeoutSeconds: 600);
            Assert.True(code == 0, $"{script} podman failed ({code}):\n{output}\n{error}");
        }
        var exists = await new EngineCommand("podman").RunAsync(["image", "exists", Busybox]);
        Assert.True(exists.Succeeded, $"the image \"{Busybox}\" is not in podman's store: build the test images with tests/images/build.sh podman");
    }
}

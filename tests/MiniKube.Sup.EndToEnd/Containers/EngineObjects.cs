using MiniKube.Sup.Runtime.Engine;

namespace MiniKube.Sup.EndToEnd.Containers;

/// <summary>What a daemon made in the container engine, found by its label (as the daemon's own sweep finds it).</summary>
internal static class EngineObjects
{
    private static readonly bool PodmanInstalled = new[] { "/usr/bin/podman", "/usr/local/bin/podman", "/bin/podman" }.Any(File.Exists);

    /// <returns>"container NAME" and "pod NAME" for each one still there (none where podman is not installed)</returns>
    public static async Task<IReadOnlyList<string>> OfDaemonAsync(string daemonId)
    {
        if (!PodmanInstalled) return [];
        var podman = new EngineCommand("podman");
        var filter = EngineLabels.Filter(daemonId);
        var containers = await podman.RunAsync(["ps", "--all", "--filter", filter, "--format", "{{.Names}}"]);
        var pods = await podman.RunAsync(["pod", "ps", "--filter", filter, "--format", "{{.Name}}"]);
        return Lines(containers.Output).Select(n => "container " + n).Concat(Lines(pods.Output).Select(n => "pod " + n)).ToList();
    }

    private static IEnumerable<string> Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}

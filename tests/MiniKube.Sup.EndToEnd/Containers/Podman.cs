using CliWrap.Buffered;

namespace MiniKube.Sup.EndToEnd.Containers;

/// <summary>The podman command line, for tests (podman's own configuration comes from the environment:
/// CONTAINERS_CONF, which .ci/run sets).</summary>
internal static class Podman
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);

    public static Task<BufferedCommandResult> RunAsync(params string[] arguments) =>
        MarkedCommand.RunAsync("podman", arguments, Timeout);

    /// <summary>Its standard output; a non-zero exit throws with its standard error.</summary>
    public static async Task<string> OutputAsync(params string[] arguments)
    {
        var result = await RunAsync(arguments);
        if (result.ExitCode != 0)
            throw new InvalidOperationException($"podman {string.Join(' ', arguments)} exited {result.ExitCode}: {result.StandardError.Trim()}");
        return result.StandardOutput;
    }
}

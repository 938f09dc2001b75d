using System.Globalization;
using System.Text.Json;

namespace MiniKube.Sup.Runtime.Engine;

/// <summary>What <c>podman inspect</c> says of a container that matters to the daemon.</summary>
internal sealed record PodmanContainerState(
    string Name,
    string Id,
    int Pid,
    bool Running,
    int ExitCode,
    bool OomKilled,
    string? CgroupPath,
    string? StopSignal,
    string? User,
    string? WorkingDir,
    IReadOnlyList<string> Environment)
{
    private const string Format =
        "{{json .Name}}\t{{json .ID}}\t{{.State.Pid}}\t{{.State.Running}}\t{{.State.ExitCode}}\t{{.State.OOMKilled}}\t{{json .State.CgroupPath}}\t{{.Config.StopSignal}}\t{{json .Config.User}}\t{{json .Config.WorkingDir}}\t{{json .Config.Env}}";

    /// <returns>null when the engine knows no such container</returns>
    public static async Task<PodmanContainerState?> InspectAsync(EngineCommand engine, string name, CancellationToken cancellationToken = default)
    {
        var result = await engine.RunAsync(["container", "inspect", "--format", Format, name], cancellationToken).ConfigureAwait(false);
        return result.Succeeded ? Parse(result.FirstLine) : null;
    }

    internal static PodmanContainerState? Parse(string line)
    {
        var f = line.Split('\t');
        if (f.Length != 11) return null;
        return new PodmanContainerState(
            Text(f[0]) ?? "",
            Text(f[1]) ?? "",
            int.TryParse(f[2], NumberStyles.Integer, CultureInfo.InvariantCulture, out var pid) ? pid : 0,
            f[3] == "true",
            int.TryParse(f[4], NumberStyles.Integer, CultureInfo.InvariantCulture, out var code) ? code : 0,
            f[5] == "true",
            Text(f[6]),
            StopSignalName(f[7]),
            Text(f[8]),
            Text(f[9]),
            JsonSerializer.Deserialize(f[10], EngineJson.Default.StringArray) ?? []);
    }

    private static string? Text(string json) => json is "" or "null" ? null : JsonSerializer.Deserialize(json, EngineJson.Default.String);

    /// <summary>podman reports the stop signal as a number (15) in some versions and a name in others; podman kill
    /// takes either. SIGTERM is the default and needs no translation.</summary>
    private static string? StopSignalName(string? value) => value is null or "" or "15" or "SIGTERM" ? null : value;
}

using System.Globalization;
using System.Text.Json;

namespace MiniKube.Sup.Runtime.Engine;

/// <summary>What the engine's inspect says of a container that matters to the daemon (podman and docker name these
/// fields alike; docker's names begin with a slash). <paramref name="Error"/>: why the engine could not start it
/// (docker: a command the image lacks).</summary>
internal sealed record EngineContainerState(
    string Name,
    string Id,
    int Pid,
    bool Running,
    int ExitCode,
    bool OomKilled,
    string? Error,
    string? StopSignal,
    string? User,
    string? WorkingDir,
    IReadOnlyList<string> Environment)
{
    private const string Format =
        "{{json .Name}}\t{{json .ID}}\t{{.State.Pid}}\t{{.State.Running}}\t{{.State.ExitCode}}\t{{.State.OOMKilled}}\t{{json .State.Error}}\t{{.Config.StopSignal}}\t{{json .Config.User}}\t{{json .Config.WorkingDir}}\t{{json .Config.Env}}";

    /// <summary>The engine started its process once (a container that ran and ended has an exit code and no error;
    /// one the engine could not start has its error).</summary>
    public bool Started => Pid > 0 || (!Running && string.IsNullOrEmpty(Error));

    /// <returns>null when the engine knows no such container</returns>
    public static async Task<EngineContainerState?> InspectAsync(EngineCommand engine, string name, CancellationToken cancellationToken = default)
    {
        var result = await engine.RunAsync(["container", "inspect", "--format", Format, name], cancellationToken).ConfigureAwait(false);
        return result.Succeeded ? Parse(result.FirstLine) : null;
    }

    internal static EngineContainerState? Parse(string line)
    {
        var f = line.Split('\t');
        if (f.Length != 11) return null;
        return new EngineContainerState(
            Text(f[0])?.TrimStart('/') ?? "",
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

    /// <summary>podman reports the stop signal as a number (15) in some versions and a name in others (docker: a name,
    /// or nothing); kill takes either. SIGTERM is the default and needs no translation.</summary>
    private static string? StopSignalName(string? value) => value is null or "" or "15" or "SIGTERM" ? null : value;
}

namespace MiniKube.Sup.Api;

/// <summary>Serves a container's log: the current or previous instance, the last N lines, following as it grows.</summary>
public interface IPodLogs
{
    /// <returns>null when served; otherwise why not (no such container, no previous instance).</returns>
    Task<string?> WriteAsync(string ns, string pod, string? container, bool follow, bool previous, int? tailLines, Stream output, CancellationToken cancel, Logs.LogTextOptions? text = null);
}

using System.Globalization;

namespace MiniKube.Sup.Runtime.Engine;

/// <summary>
/// <c>logs --follow</c>, the same for podman and docker: what the engine kept of a container's output, from a time on,
/// until the container ends. Both engines keep a line stamped at or after <c>--since</c> (to the nanosecond), so a
/// follow from the time of the last line the daemon logged gives the lines it had not received: a line is stamped by
/// the engine before the daemon reads it, so every line it read is stamped earlier.
/// </summary>
internal static class EngineLogs
{
    public static IReadOnlyList<string> Follow(string name, DateTimeOffset? since) =>
        since is { } time ? ["logs", "--follow", "--since", Timestamp(time), name] : ["logs", "--follow", name];

    /// <summary>RFC 3339 in UTC with the fraction .NET keeps (100 ns), which both engines parse.</summary>
    internal static string Timestamp(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);
}

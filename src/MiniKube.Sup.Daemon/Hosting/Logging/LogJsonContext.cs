using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace MiniKube.Sup.Daemon.Hosting.Logging;

/// <summary>The source-generated serializers of --log-format json (no reflection: NativeAOT). Names in camelCase,
/// absent fields left out, one line per object.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ContainerLogRecord))]
[JsonSerializable(typeof(DaemonLogRecord))]
internal sealed partial class LogJsonContext : JsonSerializerContext
{
    /// <summary>Text as it is (é, +, &lt;), escaped only where JSON requires it (quotes, backslashes, control
    /// characters): the lines go to logs, never into HTML.</summary>
    public static LogJsonContext Lines { get; } = new(new JsonSerializerOptions
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });

    /// <summary>UTC, to the tick, as RFC 3339 wants it.</summary>
    public static string Time(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", System.Globalization.CultureInfo.InvariantCulture);
}

using System.Globalization;
using System.Text.Json;

namespace MiniKube.Sup.Client.Streaming;

/// <summary>
/// How kubectl ends an exec or attach from the metav1.Status the server sends on the error channel: Success exits 0;
/// Failure with reason NonZeroExitCode exits with the command's code (its cause ExitCode), after "command terminated
/// with exit code N" on stderr; any other Failure is "error: MESSAGE" and exit 1.
/// </summary>
internal readonly record struct RemoteCommandOutcome(int ExitCode, string? Message)
{
    public static RemoteCommandOutcome Parse(ReadOnlySpan<byte> status)
    {
        try
        {
            var reader = new Utf8JsonReader(status);
            using var doc = JsonDocument.ParseValue(ref reader);
            var root = doc.RootElement;
            if (Text(root, "status") == "Success") return new(0, null);
            if (Text(root, "reason") == "NonZeroExitCode" && root.TryGetProperty("details", out var details)
                && details.TryGetProperty("causes", out var causes) && causes.ValueKind == JsonValueKind.Array)
            {
                foreach (var cause in causes.EnumerateArray())
                    if (Text(cause, "reason") == "ExitCode" && int.TryParse(Text(cause, "message"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var code))
                        return new(code, $"command terminated with exit code {code}");
            }
            return new(1, "error: " + (Text(root, "message") ?? "the remote command failed"));
        }
        catch (JsonException)
        {
            return new(1, "error: the server's outcome could not be read: " + System.Text.Encoding.UTF8.GetString(status));
        }
    }

    private static string? Text(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
}

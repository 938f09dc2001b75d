using System.Net;
using System.Text.Json;

namespace MiniKube.Sup.Client;

/// <summary>The API answered with an error. Its message is the line kubectl prints for it: "Error from server
/// (NotFound): pods "x" not found", or "Error from server: MESSAGE" for a Status without a reason (an internal error,
/// a full disk).</summary>
internal sealed class ApiException(int code, string message) : Exception(message)
{
    public int Code { get; } = code;

    public static ApiException From(HttpStatusCode status, string body)
    {
        var reason = ReasonOf(body);
        var message = MessageOf(status, body);
        return new ApiException((int)status, reason is null ? $"Error from server: {message}" : $"Error from server ({reason}): {message}");
    }

    /// <summary>The Status's message; or the body as it is; or, when there is none, what the status code says.</summary>
    public static string MessageOf(HttpStatusCode status, string body)
    {
        if (Status(body) is { } doc)
        {
            using (doc)
            {
                if (doc.RootElement.TryGetProperty("message", out var m) && m.GetString() is { Length: > 0 } message) return message;
            }
        }
        var text = body.Trim();
        return text.Length > 0 ? text : $"the server answered {(int)status} ({status}) without saying why";
    }

    private static string? ReasonOf(string body)
    {
        if (Status(body) is not { } doc) return null;
        using (doc)
            return doc.RootElement.TryGetProperty("reason", out var r) && r.ValueKind == JsonValueKind.String && r.GetString() is { Length: > 0 } reason ? reason : null;
    }

    private static JsonDocument? Status(string body)
    {
        try
        {
            var doc = JsonDocument.Parse(body);
            if (doc.RootElement.ValueKind == JsonValueKind.Object) return doc;
            doc.Dispose();
        }
        catch (JsonException) { }
        return null;
    }
}

using System.Text.Json;
using Microsoft.AspNetCore.Http;
using MiniKube.Sup.Printing;
using MiniKube.Sup.Spec;

namespace MiniKube.Sup.Api;

/// <summary>Kubernetes Status objects for errors (kubectl prints "Error from server (NotFound): ...").</summary>
public static class ApiStatus
{
    public static Task NotFound(HttpContext ctx, KindInfo? kind, string name) =>
        Write(ctx, 404, "NotFound", $"{kind?.Plural ?? "objects"} \"{name}\" not found", kind, name);

    /// <summary>409: <c>AlreadyExists</c> for a create, <c>Conflict</c> for a write on a stale version.</summary>
    public static Task Conflict(HttpContext ctx, KindInfo? kind, string name, string reason, string message) =>
        Write(ctx, 409, reason, message, kind, name);

    public static Task AlreadyExists(HttpContext ctx, KindInfo kind, string name) =>
        Write(ctx, 409, "AlreadyExists", $"{kind.Plural} \"{name}\" already exists", kind, name);

    public static Task Invalid(HttpContext ctx, KindInfo? kind, string? name, string message) =>
        Write(ctx, 422, "Invalid", message, kind, name);

    public static Task BadRequest(HttpContext ctx, string message) => Write(ctx, 400, "BadRequest", message, null, null);

    /// <summary>k8s: a PATCH whose Content-Type is not a patch type the API server knows.</summary>
    public static Task UnsupportedPatchType(HttpContext ctx, string? contentType) =>
        Write(ctx, 415, "UnsupportedMediaType",
            $"the body of the request was in an unknown format ({(string.IsNullOrEmpty(contentType) ? "no Content-Type" : contentType)}) - accepted media types include: {string.Join(", ", JsonPatching.MediaTypes)}",
            null, null);

    public static Task MethodNotAllowed(HttpContext ctx, string message) => Write(ctx, 405, "MethodNotAllowed", message, null, null);

    public static Task Unauthorized(HttpContext ctx) => Write(ctx, 401, "Unauthorized", "Unauthorized: a bearer token is required (see <state-dir>/token)", null, null);

    public static Task Success(HttpContext ctx, KindInfo kind, string name) => Write(ctx, 200, null, null, kind, name);

    public static Task Write(HttpContext ctx, int code, string? reason, string? message, KindInfo? kind, string? name)
    {
        ctx.Response.StatusCode = code;
        ctx.Response.ContentType = "application/json";
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer)) WriteObject(w, code, reason, message, kind, name);
        ctx.Response.ContentLength = buffer.Length;
        return ctx.Response.Body.WriteAsync(buffer.ToArray()).AsTask();
    }

    /// <summary>The Status object itself, for a response body or a watch's ERROR event.</summary>
    public static void WriteObject(Utf8JsonWriter w, int code, string? reason, string? message, KindInfo? kind, string? name)
    {
        w.WriteStartObject();
        w.WriteString("kind", "Status");
        w.WriteString("apiVersion", "v1");
        w.WriteStartObject("metadata");
        w.WriteEndObject();
        w.WriteString("status", code < 400 ? "Success" : "Failure");
        // k8s quotes names in messages with %q: a control character in one is escaped, not sent to the client's terminal.
        if (message is not null) w.WriteString("message", ControlCharacters.EscapeKeepingLines(message));
        if (reason is not null) w.WriteString("reason", reason);
        if (kind is not null)
        {
            w.WriteStartObject("details");
            if (name is not null) w.WriteString("name", name);
            if (kind.Group.Length > 0) w.WriteString("group", kind.Group);
            w.WriteString("kind", kind.Plural);
            w.WriteEndObject();
        }
        w.WriteNumber("code", code);
        w.WriteEndObject();
    }
}

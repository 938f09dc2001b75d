using System.Reflection;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace MiniKube.Sup.Daemon.Dashboard;

/// <summary>
/// The web dashboard's files (GET /ui/ and /ui/FILE): a page, its script and its style, embedded in the daemon
/// (EmbeddedResource, read with GetManifestResourceStream: NativeAOT keeps them), nothing fetched from elsewhere.
/// They hold no data and no secret, so a browser may load them without the token (a navigation cannot carry an
/// Authorization header); everything the page shows comes from the API, whose every call presents the token
/// (see <see cref="IsAsset"/> and DaemonHost.Authorize).
/// </summary>
internal static class DashboardAssets
{
    public const string Prefix = "/ui/";

    private static readonly Dictionary<string, string> ContentTypes = new(StringComparer.Ordinal)
    {
        ["index.html"] = "text/html; charset=utf-8",
        ["dashboard.js"] = "text/javascript; charset=utf-8",
        ["dashboard.css"] = "text/css; charset=utf-8",
    };

    private static readonly Dictionary<string, byte[]> Files = ContentTypes.Keys.ToDictionary(name => name, Read, StringComparer.Ordinal);

    /// <summary>A GET or HEAD of one of the dashboard's own files (or of /ui, which redirects to /ui/): nothing else
    /// passes without the token.</summary>
    public static bool IsAsset(HttpRequest request) =>
        (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method)) && FileOf(request.Path.Value) is not null;

    public static void Map(WebApplication app)
    {
        // The template matches /ui too (routing ignores a trailing slash): that one is sent to /ui/, where the
        // page's relative links resolve.
        app.MapGet(Prefix + "{file?}", ctx =>
        {
            if (ctx.Request.Path.Value == "/ui")
            {
                ctx.Response.Redirect(Prefix);
                return Task.CompletedTask;
            }
            var name = FileOf(ctx.Request.Path.Value);
            if (name is null)
            {
                ctx.Response.StatusCode = StatusCodes.Status404NotFound;
                return Task.CompletedTask;
            }
            var headers = ctx.Response.Headers;
            headers.ContentType = ContentTypes[name];
            headers.CacheControl = "no-store";
            headers.XContentTypeOptions = "nosniff";
            headers["Referrer-Policy"] = "no-referrer";
            headers.XFrameOptions = "DENY";
            // Its own files and its own API only: no inline script, no other origin (the token stays on this page).
            headers.ContentSecurityPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
            return ctx.Response.Body.WriteAsync(Files[name]).AsTask();
        });
    }

    /// <returns>the file name for a path under /ui/ ("" is the page), or null when the dashboard has no such file</returns>
    private static string? FileOf(string? path)
    {
        if (path is "/ui") return "index.html";
        if (path is null || !path.StartsWith(Prefix, StringComparison.Ordinal)) return null;
        var name = path[Prefix.Length..];
        if (name.Length == 0) return "index.html";
        return ContentTypes.ContainsKey(name) ? name : null;
    }

    private static byte[] Read(string name)
    {
        using var stream = typeof(DashboardAssets).Assembly.GetManifestResourceStream("dashboard/" + name)
            ?? throw new InvalidOperationException($"the dashboard's {name} is not embedded in {typeof(DashboardAssets).Assembly.GetName().Name}");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}

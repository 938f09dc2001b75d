using System.Globalization;
using System.Text;
using System.Text.Json;
using k8s;
using k8s.Models;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using MiniKube.Sup.Spec;

namespace MiniKube.Sup.Api;

/// <summary>
/// The Kubernetes-shaped REST API: discovery, list (JSON or meta.k8s.io Table), get, watch streams, create,
/// replace, patch, delete, pod logs, events. Paths and shapes follow the Kubernetes API so that kubectl and the
/// official client library work against it. Every handler is a plain RequestDelegate (NativeAOT-safe).
/// </summary>
public sealed class KubeApi(ObjectRepository repository, IObjectWriter writer, IPodLogs logs, TimeProvider time, string version)
{
    private const string Json = "application/json";

    /// <summary>Cancelled when the daemon stops: open watches and log follows end then, so that shutdown is not
    /// held up by clients.</summary>
    public CancellationToken Stopping { get; set; }

    public void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/version", ctx => Text(ctx, Discovery.Version(version)));
        app.MapGet("/api", ctx => Text(ctx, Discovery.CoreVersions()));
        app.MapGet("/apis", ctx => Text(ctx, Discovery.Groups()));
        app.MapGet("/api/v1", ctx => Text(ctx, Discovery.Resources("", "v1")!));
        app.MapGet("/apis/{group}", ctx => Known(ctx, (string)ctx.Request.RouteValues["group"]!) is { } g ? Text(ctx, Discovery.Group(g)) : NotFoundPath(ctx));
        app.MapGet("/apis/{group}/{version}", ctx =>
            Discovery.Resources((string)ctx.Request.RouteValues["group"]!, (string)ctx.Request.RouteValues["version"]!) is { } doc ? Text(ctx, doc) : NotFoundPath(ctx));

        MapKind(app, "/api/{version}", core: true);
        MapKind(app, "/apis/{group}/{version}", core: false);
    }

    private void MapKind(IEndpointRouteBuilder app, string prefix, bool core)
    {
        app.MapMethods(prefix + "/namespaces/{ns}/{resource}", ["GET", "POST"], ctx => Dispatch(ctx, core, Collection));
        app.MapMethods(prefix + "/namespaces/{ns}/{resource}/{name}", ["GET", "PUT", "PATCH", "DELETE"], ctx => Dispatch(ctx, core, Item));
        app.MapMethods(prefix + "/namespaces/{ns}/{resource}/{name}/{sub}", ["GET", "PUT", "PATCH"], ctx => Dispatch(ctx, core, Subresource));
        app.MapGet(prefix + "/{resource}", ctx => Dispatch(ctx, core, Collection));
    }

    private static string? Known(HttpContext _, string group) => ResourceKinds.All.Any(k => k.Group == group && group.Length > 0) ? group : null;

    private static Task Dispatch(HttpContext ctx, bool core, Func<HttpContext, ResourceKind, string, Task> handler)
    {
        var values = ctx.Request.RouteValues;
        var group = core ? "" : (string)values["group"]!;
        var kind = ResourceKinds.ByPath(group, (string)values["version"]!, (string)values["resource"]!);
        if (kind is null) return NotFoundPath(ctx);
        var ns = values.TryGetValue("ns", out var n) ? (string)n! : "default";
        return handler(ctx, kind, ns);
    }

    private async Task Collection(HttpContext ctx, ResourceKind kind, string ns)
    {
        if (ctx.Request.Method == "POST")
        {
            await Apply(ctx, kind, null, create: true).ConfigureAwait(false);
            return;
        }
        Selectors selectors;
        try { selectors = Selectors.Parse(ctx.Request.Query["labelSelector"], ctx.Request.Query["fieldSelector"]); }
        catch (FormatException e) { await ApiStatus.BadRequest(ctx, e.Message).ConfigureAwait(false); return; }
        var wantsTable = WantsTable(ctx);
        if (IsTrue(ctx.Request.Query["watch"]))
        {
            await WatchAsync(ctx, kind, ns, selectors, wantsTable).ConfigureAwait(false);
            return;
        }
        var rv = repository.ResourceVersion;
        var items = ns == "default" ? Filter(repository.List(kind.Kind), selectors) : [];
        ctx.Response.ContentType = Json;
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            if (wantsTable) TableWriter.Write(w, kind, items.Select(e => e.Object), rv, Now);
            else WriteList(w, kind, items, rv);
        }
        await ctx.Response.Body.WriteAsync(buffer.ToArray()).ConfigureAwait(false);
    }

    private async Task Item(HttpContext ctx, ResourceKind kind, string ns)
    {
        var name = (string)ctx.Request.RouteValues["name"]!;
        switch (ctx.Request.Method)
        {
            case "GET":
                if (ns == "default" && repository.Get(kind.Kind, name) is { } e)
                {
                    if (WantsTable(ctx))
                    {
                        ctx.Response.ContentType = Json;
                        using var buffer = new MemoryStream();
                        using (var w = new Utf8JsonWriter(buffer)) TableWriter.Write(w, kind, [e.Object], e.ResourceVersion, Now);
                        await ctx.Response.Body.WriteAsync(buffer.ToArray()).ConfigureAwait(false);
                    }
                    else await Text(ctx, e.Json).ConfigureAwait(false);
                }
                else await ApiStatus.NotFound(ctx, kind, name).ConfigureAwait(false);
                return;
            case "DELETE":
                var grace = await DeleteGraceAsync(ctx).ConfigureAwait(false);
                var before = repository.Get(kind.Kind, name);
                if (before is null || !writer.Delete(kind, name, grace))
                {
                    await ApiStatus.NotFound(ctx, kind, name).ConfigureAwait(false);
                    return;
                }
                // k8s: a pod answers with itself (deletionTimestamp set) and goes once its containers are down.
                var after = repository.Get(kind.Kind, name);
                if (after is not null) await Text(ctx, after.Json).ConfigureAwait(false);
                else await ApiStatus.Success(ctx, kind, name).ConfigureAwait(false);
                return;
            default:
                await Apply(ctx, kind, name, create: false).ConfigureAwait(false);
                return;
        }
    }

    private async Task Subresource(HttpContext ctx, ResourceKind kind, string ns)
    {
        var name = (string)ctx.Request.RouteValues["name"]!;
        var sub = (string)ctx.Request.RouteValues["sub"]!;
        if (kind == ResourceKinds.Pod && sub == "log" && ctx.Request.Method == "GET")
        {
            if (repository.Get(kind.Kind, name) is null) { await ApiStatus.NotFound(ctx, kind, name).ConfigureAwait(false); return; }
            int? tail = int.TryParse(ctx.Request.Query["tailLines"], NumberStyles.None, CultureInfo.InvariantCulture, out var t) ? t : null;
            ctx.Response.ContentType = "text/plain";
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(ctx.RequestAborted, Stopping);
            var problem = await logs.WriteAsync(name, ctx.Request.Query["container"].FirstOrDefault(), IsTrue(ctx.Request.Query["follow"]),
                IsTrue(ctx.Request.Query["previous"]), tail, ctx.Response.Body, stop.Token).ConfigureAwait(false);
            if (problem is not null) await ApiStatus.BadRequest(ctx, problem).ConfigureAwait(false);
            return;
        }
        if (sub == "scale" && ScaleSubresource.Handles(kind))
        {
            await ScaleSubresource.HandleAsync(ctx, kind, name, repository, writer).ConfigureAwait(false);
            return;
        }
        if (sub == "status" && ctx.Request.Method == "GET" && repository.Get(kind.Kind, name) is { } e)
        {
            await Text(ctx, e.Json).ConfigureAwait(false);
            return;
        }
        await ApiStatus.Write(ctx, 404, "NotFound", $"the server could not find the requested resource ({kind.Plural}/{sub})", kind, name).ConfigureAwait(false);
    }

    private async Task Apply(HttpContext ctx, ResourceKind kind, string? name, bool create)
    {
        string body;
        using (var reader = new StreamReader(ctx.Request.Body, Encoding.UTF8)) body = await reader.ReadToEndAsync(ctx.RequestAborted).ConfigureAwait(false);
        if (ctx.Request.Method == "PATCH")
        {
            if (!JsonPatching.IsSupported(ctx.Request.ContentType)) { await ApiStatus.UnsupportedPatchType(ctx, ctx.Request.ContentType).ConfigureAwait(false); return; }
            if (name is null || repository.Get(kind.Kind, name) is not { } current) { await ApiStatus.NotFound(ctx, kind, name ?? "").ConfigureAwait(false); return; }
            try { body = JsonPatching.Apply(current.Json, body, ctx.Request.ContentType ?? ""); }
            catch (PatchNotApplicableException e)
            {
                await ApiStatus.Invalid(ctx, kind, name, "cannot apply patch: " + e.Message).ConfigureAwait(false);
                return;
            }
            catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException)
            {
                await ApiStatus.BadRequest(ctx, "cannot apply patch: " + e.Message).ConfigureAwait(false);
                return;
            }
        }
        var loaded = ManifestLoader.LoadText(body, $"{ctx.Request.Method} {ctx.Request.Path}");
        if (!loaded.Succeeded)
        {
            await ApiStatus.Invalid(ctx, kind, name, string.Join("\n", loaded.Errors)).ConfigureAwait(false);
            return;
        }
        if (loaded.Objects.Count != 1 || loaded.Objects[0].Kind != kind.Kind || (name is not null && loaded.Objects[0].Name != name))
        {
            await ApiStatus.BadRequest(ctx, $"the request must hold exactly one {kind.Kind}{(name is null ? "" : $" named {name}")}").ConfigureAwait(false);
            return;
        }
        var obj = loaded.Objects[0];
        var exists = repository.Get(kind.Kind, obj.Name) is not null;
        if (create && exists) { await ApiStatus.AlreadyExists(ctx, kind, obj.Name).ConfigureAwait(false); return; }
        if (!create && !exists && ctx.Request.Method == "PATCH") { await ApiStatus.NotFound(ctx, kind, obj.Name).ConfigureAwait(false); return; }
        if (IsDryRun(ctx))
        {
            ctx.Response.StatusCode = create ? 201 : 200;
            await Text(ctx, KubernetesJson.Serialize(obj.Model)).ConfigureAwait(false);
            return;
        }
        var outcome = (await writer.ApplyAsync([obj], "api", ctx.RequestAborted).ConfigureAwait(false))[0].Outcome;
        ctx.Response.StatusCode = exists ? 200 : 201;
        ctx.Response.Headers["X-Sup-Apply"] = outcome.ToString().ToLowerInvariant();
        var stored = repository.Get(kind.Kind, obj.Name);
        await Text(ctx, stored?.Json ?? KubernetesJson.Serialize(obj.Model)).ConfigureAwait(false);
    }

    private async Task WatchAsync(HttpContext ctx, ResourceKind kind, string ns, Selectors selectors, bool wantsTable)
    {
        long? from = long.TryParse(ctx.Request.Query["resourceVersion"], NumberStyles.None, CultureInfo.InvariantCulture, out var rv) ? rv : null;
        int? timeout = int.TryParse(ctx.Request.Query["timeoutSeconds"], NumberStyles.None, CultureInfo.InvariantCulture, out var ts) ? ts : null;
        using var watcher = repository.Watch(kind.Kind, from);
        using var timeoutCts = CancellationTokenSource.CreateLinkedTokenSource(ctx.RequestAborted, Stopping);
        if (timeout is { } seconds and > 0) timeoutCts.CancelAfter(TimeSpan.FromSeconds(seconds));
        ctx.Response.ContentType = Json;
        ctx.Response.Headers.CacheControl = "no-cache";
        await ctx.Response.Body.FlushAsync(ctx.RequestAborted).ConfigureAwait(false);
        var first = true;
        try
        {
            await foreach (var e in watcher.Events.ReadAllAsync(timeoutCts.Token).ConfigureAwait(false))
            {
                if (ns != "default" || !selectors.Matches(e.Object, f => Field(e.Object, f))) continue;
                using var buffer = new MemoryStream();
                using (var w = new Utf8JsonWriter(buffer))
                {
                    w.WriteStartObject();
                    w.WriteString("type", e.Type);
                    w.WritePropertyName("object");
                    if (wantsTable) TableWriter.Write(w, kind, [e.Object], e.ResourceVersion, Now, includeColumns: first);
                    else w.WriteRawValue(e.Json, skipInputValidation: true);
                    w.WriteEndObject();
                }
                buffer.WriteByte((byte)'\n');
                first = false;
                await ctx.Response.Body.WriteAsync(buffer.ToArray(), timeoutCts.Token).ConfigureAwait(false);
                await ctx.Response.Body.FlushAsync(timeoutCts.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) { /* client went away or timeoutSeconds passed: end the stream */ }
    }

    private static List<WatchEvent> Filter(IReadOnlyList<WatchEvent> items, Selectors selectors) =>
        items.Where(e => selectors.Matches(e.Object, f => Field(e.Object, f))).ToList();

    /// <summary>The fields a fieldSelector may name.</summary>
    private static string? Field(IKubernetesObject<V1ObjectMeta> obj, string field) => field switch
    {
        "metadata.name" => obj.Metadata.Name,
        "metadata.namespace" => obj.Metadata.NamespaceProperty ?? "default",
        "status.phase" => (obj as V1Pod)?.Status?.Phase,
        "spec.nodeName" => (obj as V1Pod) is not null ? Environment.MachineName : null,
        "involvedObject.name" => (obj as Corev1Event)?.InvolvedObject?.Name,
        "involvedObject.kind" => (obj as Corev1Event)?.InvolvedObject?.Kind,
        "involvedObject.namespace" => (obj as Corev1Event)?.InvolvedObject?.NamespaceProperty,
        "involvedObject.uid" => (obj as Corev1Event)?.InvolvedObject?.Uid,
        "type" => (obj as Corev1Event)?.Type,
        "reason" => (obj as Corev1Event)?.Reason,
        _ => null,
    };

    private static void WriteList(Utf8JsonWriter w, ResourceKind kind, IReadOnlyList<WatchEvent> items, long rv)
    {
        w.WriteStartObject();
        w.WriteString("kind", kind.Kind + "List");
        w.WriteString("apiVersion", kind.ApiVersion);
        w.WriteStartObject("metadata");
        w.WriteString("resourceVersion", rv.ToString(CultureInfo.InvariantCulture));
        w.WriteEndObject();
        w.WriteStartArray("items");
        foreach (var e in items) w.WriteRawValue(e.Json, skipInputValidation: true);
        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static async Task<long?> DeleteGraceAsync(HttpContext ctx)
    {
        if (long.TryParse(ctx.Request.Query["gracePeriodSeconds"], NumberStyles.None, CultureInfo.InvariantCulture, out var q)) return q;
        if (ctx.Request.ContentLength is 0 or null && !ctx.Request.Headers.TransferEncoding.Any()) return null;
        try
        {
            var options = await JsonSerializer.DeserializeAsync(ctx.Request.Body, k8s.SourceGenerationContext.Default.V1DeleteOptions, ctx.RequestAborted).ConfigureAwait(false);
            return options?.GracePeriodSeconds;
        }
        catch (JsonException) { return null; }
    }

    private static bool WantsTable(HttpContext ctx) =>
        ctx.Request.Headers.Accept.Any(a => a is not null && a.Contains("as=Table", StringComparison.Ordinal));

    private static bool IsDryRun(HttpContext ctx) => ctx.Request.Query["dryRun"].Any(v => v is { Length: > 0 });

    private static bool IsTrue(Microsoft.Extensions.Primitives.StringValues v) => v.Any(s => s is "true" or "1");

    private DateTime Now => time.GetUtcNow().UtcDateTime;

    private static Task Text(HttpContext ctx, string json)
    {
        ctx.Response.ContentType = Json;
        return ctx.Response.WriteAsync(json);
    }

    private static Task NotFoundPath(HttpContext ctx) =>
        ApiStatus.Write(ctx, 404, "NotFound", "the server could not find the requested resource", null, null);
}

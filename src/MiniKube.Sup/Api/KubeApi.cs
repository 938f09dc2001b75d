using System.Globalization;
using System.Text;
using System.Text.Json;
using k8s;
using k8s.Models;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using MiniKube.Sup.Desired;
using MiniKube.Sup.Spec;
using MiniKube.Sup.Store;

namespace MiniKube.Sup.Api;

/// <summary>
/// The Kubernetes-shaped REST API: discovery, list (JSON or meta.k8s.io Table), get, watch streams, create,
/// replace, patch, delete, the status and scale subresources, pod logs, events. Paths and shapes follow the
/// Kubernetes API so that kubectl and the official client library work against it: reads come from the store, writes
/// go through the desired state (durable before they are answered), a write carrying a stale resourceVersion or uid is
/// a 409 Conflict, and create/replace/patch never touch status (the status subresource does, and only it). Every
/// handler is a plain RequestDelegate (NativeAOT-safe).
/// </summary>
public sealed class KubeApi(ObjectStore store, DesiredState desired, IPodLogs logs, TimeProvider time, string version)
{
    private const string Json = "application/json";

    /// <summary>Cancelled when the daemon stops: open watches and log follows end then, so that shutdown is not
    /// held up by clients.</summary>
    public CancellationToken Stopping { get; set; }

    /// <summary>Serves pods/NAME/exec (kubectl exec) when the daemon runs pods.</summary>
    public PodExec? Exec { get; set; }

    /// <summary>Serves pods/NAME/portforward (kubectl port-forward) when the daemon runs pods.</summary>
    public PodPortForward? PortForward { get; set; }
    /// <summary>Serves pods/NAME/attach (kubectl attach) when the daemon runs pods.</summary>
    public PodAttach? Attach { get; set; }

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
        // Every kind lists across namespaces here; a cluster-scoped kind (StorageClass...) also lives here.
        app.MapMethods(prefix + "/{resource}", ["GET", "POST"], ctx => Dispatch(ctx, core, Collection));
        app.MapMethods(prefix + "/{resource}/{name}", ["GET", "PUT", "PATCH", "DELETE"], ctx => Dispatch(ctx, core, Item));
    }

    private static string? Known(HttpContext _, string group) => Kinds.Served.Any(k => k.Group == group && group.Length > 0) ? group : null;

    private static Task Dispatch(HttpContext ctx, bool core, Func<HttpContext, KindInfo, string?, Task> handler)
    {
        var values = ctx.Request.RouteValues;
        var group = core ? "" : (string)values["group"]!;
        var kind = Kinds.ByPath(group, (string)values["version"]!, (string)values["resource"]!);
        if (kind is null) return NotFoundPath(ctx);
        // A path without a namespace lists every namespace; a namespaced kind is written and read only in one, and a
        // cluster-scoped one only without.
        var ns = values.TryGetValue("ns", out var n) ? (string?)n : null;
        var item = values.ContainsKey("name") || ctx.Request.Method == "POST";
        if (kind.Namespaced ? ns is null && item : ns is not null) return NotFoundPath(ctx);
        return Guarded(ctx, () => handler(ctx, kind, ns));
    }

    /// <summary>The store's refusals as the API server words them: 404, 409 (Conflict, AlreadyExists). A write the
    /// disk refused is answered by <see cref="ApiErrors"/>, as every other failure.</summary>
    private static async Task Guarded(HttpContext ctx, Func<Task> handler)
    {
        try { await handler().ConfigureAwait(false); }
        catch (StoreNotFoundException e) when (!ctx.Response.HasStarted)
        {
            await ApiStatus.NotFound(ctx, Kinds.ByKind(e.Key.Kind), e.Key.Name).ConfigureAwait(false);
        }
        catch (Desired.ForbiddenException e) when (!ctx.Response.HasStarted)
        {
            var kind = Kinds.ByKind(e.Key.Kind);
            await ApiStatus.Write(ctx, 403, "Forbidden", $"{kind?.Plural ?? e.Key.Kind} \"{e.Key.Name}\" is forbidden: {e.Message}", kind, e.Key.Name).ConfigureAwait(false);
        }
        catch (StoreConflictException e) when (!ctx.Response.HasStarted)
        {
            await ApiStatus.Conflict(ctx, Kinds.ByKind(e.Key.Kind), e.Key.Name, e.Reason == StoreConflictReason.AlreadyExists ? "AlreadyExists" : "Conflict", e.Message).ConfigureAwait(false);
        }
    }

    private async Task Collection(HttpContext ctx, KindInfo kind, string? ns)
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
        var rv = store.ResourceVersion;
        var items = Filter(store.List(kind.Kind, ns), selectors);
        ctx.Response.ContentType = Json;
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            if (wantsTable) TableWriter.Write(w, kind, items.Select(e => e.Object), rv, Now, includeObject: IncludesObject(ctx));
            else WriteList(w, kind, items, rv);
        }
        await ctx.Response.Body.WriteAsync(buffer.ToArray()).ConfigureAwait(false);
    }

    private async Task Item(HttpContext ctx, KindInfo kind, string? ns)
    {
        var name = (string)ctx.Request.RouteValues["name"]!;
        var key = ObjectKey.In(kind, ns, name);
        switch (ctx.Request.Method)
        {
            case "GET":
                if (store.Get(key) is { } e)
                {
                    if (WantsTable(ctx))
                    {
                        ctx.Response.ContentType = Json;
                        using var buffer = new MemoryStream();
                        using (var w = new Utf8JsonWriter(buffer)) TableWriter.Write(w, kind, [e.Object], e.ResourceVersion, Now, includeObject: IncludesObject(ctx));
                        await ctx.Response.Body.WriteAsync(buffer.ToArray()).ConfigureAwait(false);
                    }
                    else await Text(ctx, e.Json).ConfigureAwait(false);
                }
                else await ApiStatus.NotFound(ctx, kind, name).ConfigureAwait(false);
                return;
            case "DELETE":
                var options = await DeleteOptionsAsync(ctx).ConfigureAwait(false);
                var deleted = desired.Delete(key, options);
                // k8s: a pod answers with itself (deletionTimestamp set) and goes once its containers are down.
                if (store.Get(key) is { } after && after.Uid == deleted.Uid) await Text(ctx, after.Json).ConfigureAwait(false);
                else await ApiStatus.Success(ctx, kind, name).ConfigureAwait(false);
                return;
            default:
                await Apply(ctx, kind, name, create: false).ConfigureAwait(false);
                return;
        }
    }

    private async Task Subresource(HttpContext ctx, KindInfo kind, string? ns)
    {
        var name = (string)ctx.Request.RouteValues["name"]!;
        var sub = (string)ctx.Request.RouteValues["sub"]!;
        var key = ObjectKey.In(kind, ns, name);
        if (kind == Kinds.Pod && sub == "log" && ctx.Request.Method == "GET")
        {
            if (store.Get(key) is null) { await ApiStatus.NotFound(ctx, kind, name).ConfigureAwait(false); return; }
            int? tail = int.TryParse(ctx.Request.Query["tailLines"], NumberStyles.None, CultureInfo.InvariantCulture, out var t) ? t : null;
            ctx.Response.ContentType = "text/plain";
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(ctx.RequestAborted, Stopping);
            // sinceSeconds wins over sinceTime when both are given, as the API server validates only one.
            DateTimeOffset? since = long.TryParse(ctx.Request.Query["sinceSeconds"], NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
                ? time.GetUtcNow() - TimeSpan.FromSeconds(Math.Min(seconds, (long)TimeSpan.MaxValue.TotalSeconds / 2))
                : DateTimeOffset.TryParse(ctx.Request.Query["sinceTime"], CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) ? at : null;
            var text = new Logs.LogTextOptions(IsTrue(ctx.Request.Query["timestamps"]), since);
            var problem = await logs.WriteAsync(key.Namespace, name, ctx.Request.Query["container"].FirstOrDefault(), IsTrue(ctx.Request.Query["follow"]),
                IsTrue(ctx.Request.Query["previous"]), tail, ctx.Response.Body, stop.Token, text).ConfigureAwait(false);
            if (problem is not null) await ApiStatus.BadRequest(ctx, problem).ConfigureAwait(false);
            return;
        }
        if (kind == Kinds.Pod && sub == "exec" && Exec is { } exec)
        {
            if (store.Get(key) is null) { await ApiStatus.NotFound(ctx, kind, name).ConfigureAwait(false); return; }
            await exec.HandleAsync(ctx, key.Namespace, name, Stopping).ConfigureAwait(false);
            return;
        }
        if (kind == Kinds.Pod && sub == "portforward" && PortForward is { } forward)
        {
            if (store.Get(key) is null) { await ApiStatus.NotFound(ctx, kind, name).ConfigureAwait(false); return; }
            await forward.HandleAsync(ctx, key.Namespace, name, Stopping).ConfigureAwait(false);
            return;
        }
        if (kind == Kinds.Pod && sub == "attach" && Attach is { } attach)
        {
            if (store.Get(key) is null) { await ApiStatus.NotFound(ctx, kind, name).ConfigureAwait(false); return; }
            await attach.HandleAsync(ctx, key.Namespace, name, Stopping).ConfigureAwait(false);
            return;
        }
        if (sub == "scale" && ScaleSubresource.Handles(kind))
        {
            await ScaleSubresource.HandleAsync(ctx, kind, key, store).ConfigureAwait(false);
            return;
        }
        if (sub == "status")
        {
            await Status(ctx, kind, key).ConfigureAwait(false);
            return;
        }
        await ApiStatus.Write(ctx, 404, "NotFound", $"the server could not find the requested resource ({kind.Plural}/{sub})", kind, name).ConfigureAwait(false);
    }

    /// <summary>POST (create), PUT (replace; creates what does not exist) and PATCH (the patch applied to the stored
    /// object, retried on a fresh read if the object changed meanwhile, unless the patch itself names a
    /// resourceVersion). Status is never written here.</summary>
    private async Task Apply(HttpContext ctx, KindInfo kind, string? name, bool create)
    {
        var body = await ReadBodyAsync(ctx).ConfigureAwait(false);
        for (var attempt = 0; ; attempt++)
        {
            var text = body;
            StoredObject? current = null;
            if (ctx.Request.Method == "PATCH")
            {
                if (!JsonPatching.IsSupported(ctx.Request.ContentType)) { await ApiStatus.UnsupportedPatchType(ctx, ctx.Request.ContentType).ConfigureAwait(false); return; }
                current = name is null ? null : store.Get(ObjectKey.In(kind, Namespace(ctx), name));
                if (current is null) { await ApiStatus.NotFound(ctx, kind, name ?? "").ConfigureAwait(false); return; }
                try { text = JsonPatching.Apply(current.Json, body, ctx.Request.ContentType ?? ""); }
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
            var loaded = ManifestLoader.LoadText(text, $"{ctx.Request.Method} {ctx.Request.Path}");
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
            var obj = loaded.Objects[0].Model;
            if (kind.Namespaced)
            {
                // k8s: the body's namespace, if any, must be the path's.
                if (obj.Metadata.NamespaceProperty is { Length: > 0 } bodyNs && bodyNs != Namespace(ctx))
                {
                    await ApiStatus.BadRequest(ctx, "the namespace of the provided object does not match the namespace sent on the request").ConfigureAwait(false);
                    return;
                }
                obj.Metadata.NamespaceProperty = Namespace(ctx);
            }
            else obj.Metadata.NamespaceProperty = null;
            // As the API server warns (RFC 7234 299 warnings): kubectl prints each as "Warning: ...".
            foreach (var warning in loaded.Warnings) ctx.Response.Headers.Append("Warning", ApiWarning(warning.InObject()));
            if (IsDryRun(ctx))
            {
                ctx.Response.StatusCode = create ? 201 : 200;
                await Text(ctx, KubernetesJson.Serialize(obj)).ConfigureAwait(false);
                return;
            }
            Applied applied;
            try { applied = create ? desired.Create(obj, DesiredState.ApiSource) : desired.Apply(obj, DesiredState.ApiSource); }
            catch (StoreConflictException e) when (e.Reason == StoreConflictReason.Conflict && current is not null
                && obj.Metadata.ResourceVersion == current.ResourceVersion.ToString(CultureInfo.InvariantCulture) && attempt < 10)
            {
                continue; // the patch named no version: apply it again to what is stored now
            }
            if (applied.NamespaceCreated is { } made)
                ctx.Response.Headers.Append("Warning", ApiWarning($"namespace \"{made}\" created on demand: no Namespace object declares it"));
            ctx.Response.StatusCode = applied.Outcome == ApplyOutcome.Created ? 201 : 200;
            ctx.Response.Headers["X-Sup-Apply"] = applied.Outcome.ToString().ToLowerInvariant();
            await Text(ctx, applied.Stored.Json).ConfigureAwait(false);
            return;
        }
    }

    /// <summary>A 299 warning header value: the text quoted, printable ASCII only (a header carries nothing else).</summary>
    private static string ApiWarning(string text)
    {
        var ascii = new string(text.Select(c => c is >= ' ' and <= '~' ? c : '?').ToArray());
        return $"299 - \"{ascii.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal)}\"";
    }

    /// <summary>The status subresource: GET reads the object; PUT and PATCH write its status only (spec and
    /// generation untouched), conditional on the resourceVersion the body carries.</summary>
    private async Task Status(HttpContext ctx, KindInfo kind, ObjectKey key)
    {
        if (store.Get(key) is not { } current)
        {
            await ApiStatus.NotFound(ctx, kind, key.Name).ConfigureAwait(false);
            return;
        }
        if (ctx.Request.Method == "GET")
        {
            await Text(ctx, current.Json).ConfigureAwait(false);
            return;
        }
        if (ctx.Request.Method == "PATCH" && !JsonPatching.IsSupported(ctx.Request.ContentType)) { await ApiStatus.UnsupportedPatchType(ctx, ctx.Request.ContentType).ConfigureAwait(false); return; }
        var body = await ReadBodyAsync(ctx).ConfigureAwait(false);
        IKubernetesObject<V1ObjectMeta> obj;
        try
        {
            var text = ctx.Request.Method == "PATCH" ? JsonPatching.Apply(current.Json, body, ctx.Request.ContentType ?? "") : body;
            obj = ModelJson.Deserialize(kind.Kind, text);
        }
        catch (PatchNotApplicableException e)
        {
            await ApiStatus.Invalid(ctx, kind, key.Name, "cannot apply patch: " + e.Message).ConfigureAwait(false);
            return;
        }
        catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException)
        {
            await ApiStatus.BadRequest(ctx, "invalid status: " + e.Message).ConfigureAwait(false);
            return;
        }
        if (obj.Metadata?.Name is { } name && name != key.Name)
        {
            await ApiStatus.BadRequest(ctx, $"the request must hold {kind.Kind} {key.Name}").ConfigureAwait(false);
            return;
        }
        obj.Metadata ??= new V1ObjectMeta();
        obj.Metadata.Name = key.Name;
        obj.Metadata.NamespaceProperty = key.MetadataNamespace;
        obj.Kind = kind.Kind;
        await Text(ctx, store.UpdateStatus(obj).Json).ConfigureAwait(false);
    }

    private static async Task<string> ReadBodyAsync(HttpContext ctx)
    {
        using var reader = new StreamReader(ctx.Request.Body, Encoding.UTF8);
        return await reader.ReadToEndAsync(ctx.RequestAborted).ConfigureAwait(false);
    }

    private static string Namespace(HttpContext ctx) =>
        ctx.Request.RouteValues.TryGetValue("ns", out var n) && n is string ns ? ns : ObjectKey.DefaultNamespace;

    private async Task WatchAsync(HttpContext ctx, KindInfo kind, string? ns, Selectors selectors, bool wantsTable)
    {
        long? from = long.TryParse(ctx.Request.Query["resourceVersion"], NumberStyles.None, CultureInfo.InvariantCulture, out var rv) ? rv : null;
        int? timeout = int.TryParse(ctx.Request.Query["timeoutSeconds"], NumberStyles.None, CultureInfo.InvariantCulture, out var ts) ? ts : null;
        ObjectWatch watcher;
        try
        {
            watcher = store.Watch(kind.Kind, ns, from);
        }
        catch (ResourceVersionExpiredException e)
        {
            await WatchExpiredAsync(ctx, e).ConfigureAwait(false);
            return;
        }
        using var _ = watcher;
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
                if (!selectors.Matches(e.Object, f => Field(e.Object, f))) continue;
                using var buffer = new MemoryStream();
                using (var w = new Utf8JsonWriter(buffer))
                {
                    w.WriteStartObject();
                    w.WriteString("type", e.Type);
                    w.WritePropertyName("object");
                    if (wantsTable) TableWriter.Write(w, kind, [e.Object], e.ResourceVersion, Now, includeColumns: first, includeObject: IncludesObject(ctx));
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

    /// <summary>k8s: a watch from a resourceVersion older than the watch cache is a stream of one ERROR event, a Status
    /// 410 Expired, after which client-go's reflector (and kubectl) lists again.</summary>
    private static async Task WatchExpiredAsync(HttpContext ctx, ResourceVersionExpiredException e)
    {
        ctx.Response.ContentType = Json;
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("type", "ERROR");
            w.WritePropertyName("object");
            ApiStatus.WriteObject(w, 410, "Expired", e.Message, null, null);
            w.WriteEndObject();
        }
        buffer.WriteByte((byte)'\n');
        await ctx.Response.Body.WriteAsync(buffer.ToArray(), ctx.RequestAborted).ConfigureAwait(false);
    }

    private static List<StoredObject> Filter(IReadOnlyList<StoredObject> items, Selectors selectors) =>
        items.Where(e => selectors.Matches(e.Object, f => Field(e.Object, f))).ToList();

    /// <summary>The fields a fieldSelector may name.</summary>
    private static string? Field(IKubernetesObject<V1ObjectMeta> obj, string field) => field switch
    {
        "metadata.name" => obj.Metadata.Name,
        "metadata.namespace" => obj.Metadata.NamespaceProperty ?? "default",
        "status.phase" => (obj as V1Pod)?.Status?.Phase,
        "spec.nodeName" => (obj as V1Pod)?.Spec?.NodeName,
        "involvedObject.name" => (obj as Corev1Event)?.InvolvedObject?.Name,
        "involvedObject.kind" => (obj as Corev1Event)?.InvolvedObject?.Kind,
        "involvedObject.namespace" => (obj as Corev1Event)?.InvolvedObject?.NamespaceProperty,
        "involvedObject.uid" => (obj as Corev1Event)?.InvolvedObject?.Uid,
        "type" => (obj as Corev1Event)?.Type,
        "reason" => (obj as Corev1Event)?.Reason,
        _ => null,
    };

    private static void WriteList(Utf8JsonWriter w, KindInfo kind, IReadOnlyList<StoredObject> items, long rv)
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

    /// <summary>k8s DeleteOptions from the body and the query: grace period and preconditions (uid, resourceVersion).</summary>
    private static async Task<Store.DeleteOptions> DeleteOptionsAsync(HttpContext ctx)
    {
        V1DeleteOptions? body = null;
        if (ctx.Request.ContentLength is > 0 || ctx.Request.Headers.TransferEncoding.Any())
        {
            try { body = await JsonSerializer.DeserializeAsync(ctx.Request.Body, k8s.SourceGenerationContext.Default.V1DeleteOptions, ctx.RequestAborted).ConfigureAwait(false); }
            catch (JsonException) { }
        }
        long? grace = long.TryParse(ctx.Request.Query["gracePeriodSeconds"], NumberStyles.None, CultureInfo.InvariantCulture, out var q) ? q : body?.GracePeriodSeconds;
        return new Store.DeleteOptions(body?.Preconditions?.Uid, body?.Preconditions?.ResourceVersion, grace);
    }

    /// <summary>A Table's rows carry their object's metadata unless the client asks <c>includeObject=None</c>
    /// (Metadata, the default, and Object both give the metadata).</summary>
    private static bool IncludesObject(HttpContext ctx) =>
        !string.Equals(ctx.Request.Query["includeObject"], "None", StringComparison.Ordinal);

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

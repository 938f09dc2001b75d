using System.Globalization;
using System.Text.Json;
using k8s.Models;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using MiniKube.Sup.Spec;
using MiniKube.Sup.Store;

namespace MiniKube.Sup.Api.ResourceMetrics;

/// <summary>
/// metrics.k8s.io/v1beta1, as metrics-server serves it, so that <c>kubectl top pod</c> works: PodMetrics of one
/// namespace or all, one pod, or those a label selector picks, with each running container's usage (cpu in
/// nanocores, memory in bytes). Pods that have no running container are left out, as metrics-server leaves them.
/// NodeMetrics are not served: sup has no Node objects, which <c>kubectl top node</c> reads too.
/// </summary>
public sealed class PodMetricsApi(ObjectStore store, PodUsage usage)
{
    public const string Group = "metrics.k8s.io";
    public const string Version = "v1beta1";
    private const string Prefix = "/apis/" + Group + "/" + Version;

    public void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/apis/" + Group, ctx => Json(ctx, ResourceMetricsDiscovery.Group()));
        app.MapGet(Prefix, ctx => Json(ctx, ResourceMetricsDiscovery.Resources()));
        app.MapGet(Prefix + "/pods", ctx => ListAsync(ctx, null));
        app.MapGet(Prefix + "/namespaces/{ns}/pods", ctx => ListAsync(ctx, (string)ctx.Request.RouteValues["ns"]!));
        app.MapGet(Prefix + "/namespaces/{ns}/pods/{name}", ItemAsync);
    }

    private async Task ListAsync(HttpContext ctx, string? ns)
    {
        Selectors selectors;
        try { selectors = Selectors.Parse(ctx.Request.Query["labelSelector"], ctx.Request.Query["fieldSelector"]); }
        catch (FormatException e) { await ApiStatus.BadRequest(ctx, e.Message).ConfigureAwait(false); return; }
        var pods = Items(ns).Where(i => selectors.Matches(i.Pod, f => Field(i.Pod, f))).ToList();
        await Json(ctx, w =>
        {
            w.WriteStartObject();
            w.WriteString("kind", "PodMetricsList");
            w.WriteString("apiVersion", $"{Group}/{Version}");
            w.WriteStartObject("metadata");
            w.WriteEndObject();
            w.WriteStartArray("items");
            foreach (var (pod, containers) in pods) WritePod(w, pod, containers);
            w.WriteEndArray();
            w.WriteEndObject();
        }).ConfigureAwait(false);
    }

    private async Task ItemAsync(HttpContext ctx)
    {
        var ns = (string)ctx.Request.RouteValues["ns"]!;
        var name = (string)ctx.Request.RouteValues["name"]!;
        if (Items(ns).FirstOrDefault(i => i.Pod.Metadata.Name == name) is not { Pod: not null } item)
        {
            await ApiStatus.Write(ctx, 404, "NotFound", $"podmetrics.{Group} \"{name}\" not found", null, name).ConfigureAwait(false);
            return;
        }
        await Json(ctx, w => WritePod(w, item.Pod, item.Containers)).ConfigureAwait(false);
    }

    /// <summary>The pods of the store (their labels and creation time) with the usage of their running containers.</summary>
    private List<(V1Pod Pod, List<ContainerUsage> Containers)> Items(string? ns)
    {
        var measured = usage.Measure(ns).GroupBy(u => (u.Namespace, u.Pod)).ToDictionary(g => g.Key, g => g.ToList());
        return store.List(Kinds.Pod.Kind, ns).Select(o => (Pod: (V1Pod)o.Object, Key: (o.Key.Namespace, o.Name)))
            .Where(p => measured.ContainsKey(p.Key))
            .Select(p => (p.Pod, measured[p.Key])).ToList();
    }

    private static string? Field(V1Pod pod, string field) => field switch
    {
        "metadata.name" => pod.Metadata.Name,
        "metadata.namespace" => pod.Metadata.NamespaceProperty ?? ObjectKey.DefaultNamespace,
        _ => null,
    };

    private static void WritePod(Utf8JsonWriter w, V1Pod pod, IReadOnlyList<ContainerUsage> containers)
    {
        var newest = containers.MaxBy(c => c.Timestamp);
        w.WriteStartObject();
        w.WriteString("kind", "PodMetrics");
        w.WriteString("apiVersion", $"{Group}/{Version}");
        w.WriteStartObject("metadata");
        w.WriteString("name", pod.Metadata.Name);
        w.WriteString("namespace", pod.Metadata.NamespaceProperty ?? ObjectKey.DefaultNamespace);
        if (pod.Metadata.CreationTimestamp is { } created) w.WriteString("creationTimestamp", Rfc3339(created));
        if (pod.Metadata.Labels is { Count: > 0 } labels)
        {
            w.WriteStartObject("labels");
            foreach (var (k, v) in labels) w.WriteString(k, v);
            w.WriteEndObject();
        }
        w.WriteEndObject();
        w.WriteString("timestamp", Rfc3339(newest.Timestamp.UtcDateTime));
        w.WriteString("window", Window(containers.Max(c => c.Window)));
        w.WriteStartArray("containers");
        foreach (var c in containers)
        {
            w.WriteStartObject();
            w.WriteString("name", c.Container);
            w.WriteStartObject("usage");
            w.WriteString("cpu", CpuQuantity(c.CpuNanoCores));
            w.WriteString("memory", MemoryQuantity(c.MemoryBytes));
            w.WriteEndObject();
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }

    /// <summary>metrics-server's forms: nanocores ("1234567n") and kibibytes ("2048Ki").</summary>
    public static string CpuQuantity(long nanoCores) => nanoCores.ToString(CultureInfo.InvariantCulture) + "n";

    public static string MemoryQuantity(long bytes) => bytes % 1024 == 0
        ? (bytes / 1024).ToString(CultureInfo.InvariantCulture) + "Ki"
        : bytes.ToString(CultureInfo.InvariantCulture);

    private static string Window(TimeSpan window) => window.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture) + "s";

    private static string Rfc3339(DateTime time) => DateTime.SpecifyKind(time, DateTimeKind.Utc).ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);

    private static async Task Json(HttpContext ctx, Action<Utf8JsonWriter> write)
    {
        ctx.Response.ContentType = "application/json";
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer)) write(w);
        await ctx.Response.Body.WriteAsync(buffer.ToArray()).ConfigureAwait(false);
    }

    private static Task Json(HttpContext ctx, string json)
    {
        ctx.Response.ContentType = "application/json";
        return ctx.Response.WriteAsync(json);
    }
}

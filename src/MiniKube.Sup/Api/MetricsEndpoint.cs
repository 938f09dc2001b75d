using k8s;
using k8s.Models;
using Microsoft.AspNetCore.Http;
using MiniKube.Sup.Controllers;
using MiniKube.Sup.Cron;
using MiniKube.Sup.Metrics;
using MiniKube.Sup.Spec;
using MiniKube.Sup.Store;

namespace MiniKube.Sup.Api;

/// <summary>GET /metrics: the Prometheus text format 0.0.4 — kube-state-metrics' families from the store, the
/// daemon's own sup_* measurements (their series of deleted objects pruned first), and its process metrics.</summary>
public sealed class MetricsEndpoint(ObjectStore store, SupMetrics metrics)
{
    private static readonly KindInfo[] ScrapedKinds = [Kinds.Pod, Kinds.Deployment, Kinds.StatefulSet, Kinds.DaemonSet, Kinds.Job, Kinds.CronJob, Kinds.Service];

    public Task HandleAsync(HttpContext ctx)
    {
        ctx.Response.ContentType = PrometheusTextWriter.ContentType;
        return ctx.Response.WriteAsync(Scrape());
    }

    public string Scrape()
    {
        var objects = ScrapedKinds.SelectMany(k => store.List(k.Kind)).Select(o => o.Object).ToList();
        metrics.Prune(
            objects.OfType<V1Pod>().Select(NamespaceAndName).ToHashSet(),
            objects.OfType<V1CronJob>().Select(NamespaceAndName).ToHashSet(),
            // A namespace made on demand has no Namespace object: the objects in it keep it.
            store.List(Kinds.Namespace.Kind).Select(n => n.Name).Concat(objects.Select(o => NamespaceAndName(o).Item1))
                .Append(ObjectKey.DefaultNamespace).ToHashSet(StringComparer.Ordinal));
        var writer = new PrometheusTextWriter();
        KubeStateMetrics.Write(writer, objects, NextSchedule);
        metrics.Write(writer);
        ProcessMetrics.Write(writer);
        return writer.ToString();
    }

    /// <summary>kube-state-metrics: the tick after lastScheduleTime, or after the CronJob's creation if it never ran.</summary>
    public static DateTimeOffset? NextSchedule(V1CronJob cj)
    {
        if (CronSchedule.Parse(cj.Spec?.Schedule, out _) is not { } schedule || CronJobController.Zone(cj.Spec?.TimeZone, out _) is not { } zone) return null;
        var from = cj.Status?.LastScheduleTime ?? cj.Metadata.CreationTimestamp;
        return from is { } f ? schedule.Next(new DateTimeOffset(DateTime.SpecifyKind(f, DateTimeKind.Utc)), zone) : null;
    }

    private static (string, string) NamespaceAndName(IKubernetesObject<V1ObjectMeta> o) => (o.Metadata.NamespaceProperty ?? ObjectKey.DefaultNamespace, o.Metadata.Name);
}

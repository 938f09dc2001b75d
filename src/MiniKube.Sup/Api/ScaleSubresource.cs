using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using Microsoft.AspNetCore.Http;
using MiniKube.Sup.Spec;
using MiniKube.Sup.Store;

namespace MiniKube.Sup.Api;

/// <summary>
/// The <c>/scale</c> subresource of Deployments and StatefulSets (autoscaling/v1 Scale), as `kubectl scale` and
/// `sup scale` use it: GET reads spec.replicas, status.replicas and the selector; PUT and PATCH change
/// spec.replicas of the desired object, which is applied like any other change (durable, generation bumped).
/// </summary>
public static class ScaleSubresource
{
    public static bool Handles(KindInfo kind) => kind == Kinds.Deployment || kind == Kinds.StatefulSet || kind == Kinds.ReplicationController;

    public static async Task HandleAsync(HttpContext ctx, KindInfo kind, ObjectKey key, ObjectStore store)
    {
        if (store.Get(key) is not { } current)
        {
            await ApiStatus.NotFound(ctx, kind, key.Name).ConfigureAwait(false);
            return;
        }
        if (ctx.Request.Method is "PATCH" && !JsonPatching.IsSupported(ctx.Request.ContentType))
        {
            await ApiStatus.UnsupportedPatchType(ctx, ctx.Request.ContentType).ConfigureAwait(false);
            return;
        }
        if (ctx.Request.Method is "PUT" or "PATCH")
        {
            string body;
            using (var reader = new StreamReader(ctx.Request.Body, Encoding.UTF8)) body = await reader.ReadToEndAsync(ctx.RequestAborted).ConfigureAwait(false);
            int? replicas;
            string? resourceVersion;
            try
            {
                var scale = ctx.Request.Method == "PATCH" ? JsonPatching.Apply(Scale(current.Object), body, ctx.Request.ContentType ?? "") : body;
                var node = JsonNode.Parse(scale);
                replicas = node?["spec"]?["replicas"]?.GetValue<int>();
                resourceVersion = ctx.Request.Method == "PUT" ? node?["metadata"]?["resourceVersion"]?.GetValue<string>() : null;
            }
            catch (PatchNotApplicableException e)
            {
                await ApiStatus.Invalid(ctx, kind, key.Name, "cannot apply patch: " + e.Message).ConfigureAwait(false);
                return;
            }
            catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException)
            {
                await ApiStatus.BadRequest(ctx, "invalid Scale: " + e.Message).ConfigureAwait(false);
                return;
            }
            if (replicas is not { } wanted || wanted < 0)
            {
                await ApiStatus.Invalid(ctx, kind, key.Name, "spec.replicas: must be a non-negative integer").ConfigureAwait(false);
                return;
            }
            // A change of spec.replicas, durable before it is answered (generation bumped by the store).
            current = store.Mutate<IKubernetesObject<V1ObjectMeta>>(key, obj =>
            {
                if (resourceVersion is { Length: > 0 } && obj.Metadata.ResourceVersion != resourceVersion)
                    throw new StoreConflictException(key, StoreConflictReason.Conflict,
                        $"Operation cannot be fulfilled on {kind.Plural}.{kind.Group} \"{key.Name}\": the object has been modified; please apply your changes to the latest version and try again");
                switch (obj)
                {
                    case V1Deployment d when d.Spec.Replicas != wanted: d.Spec.Replicas = wanted; return true;
                    case V1StatefulSet s when s.Spec.Replicas != wanted: s.Spec.Replicas = wanted; return true;
                    case V1ReplicationController rc when rc.Spec.Replicas != wanted: rc.Spec.Replicas = wanted; return true;
                    default: return false;
                }
            }) ?? current;
        }
        ctx.Response.ContentType = "application/json";
        await ctx.Response.WriteAsync(Scale(current.Object)).ConfigureAwait(false);
    }

    private static int Replicas(IKubernetesObject<V1ObjectMeta> obj) => obj switch
    {
        V1Deployment d => d.Spec.Replicas ?? 1,
        V1StatefulSet s => s.Spec.Replicas ?? 1,
        V1ReplicationController rc => rc.Spec.Replicas ?? 1,
        _ => 0,
    };

    private static string Scale(IKubernetesObject<V1ObjectMeta> obj)
    {
        var (observed, selector) = obj switch
        {
            V1Deployment d => (d.Status?.Replicas ?? 0, d.Spec.Selector),
            V1StatefulSet s => (s.Status?.Replicas ?? 0, s.Spec.Selector),
            V1ReplicationController rc => (rc.Status?.Replicas ?? 0, new V1LabelSelector { MatchLabels = rc.Spec.Selector }),
            _ => (0, null),
        };
        return KubernetesJson.Serialize(new V1Scale
        {
            ApiVersion = "autoscaling/v1",
            Kind = "Scale",
            Metadata = new V1ObjectMeta
            {
                Name = obj.Metadata.Name,
                NamespaceProperty = obj.Metadata.NamespaceProperty ?? "default",
                Uid = obj.Metadata.Uid,
                ResourceVersion = obj.Metadata.ResourceVersion,
                CreationTimestamp = obj.Metadata.CreationTimestamp,
            },
            Spec = new V1ScaleSpec { Replicas = Replicas(obj) },
            Status = new V1ScaleStatus { Replicas = observed, Selector = Tables.Selector(selector) },
        });
    }
}

using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using Microsoft.AspNetCore.Http;
using MiniKube.Sup.Spec;

namespace MiniKube.Sup.Api;

/// <summary>
/// The <c>/scale</c> subresource of Deployments and StatefulSets (autoscaling/v1 Scale), as `kubectl scale` and
/// `sup scale` use it: GET reads spec.replicas, status.replicas and the selector; PUT and PATCH change
/// spec.replicas of the desired object, which is applied like any other change (durable, generation bumped).
/// </summary>
public static class ScaleSubresource
{
    public static bool Handles(ResourceKind kind) => kind == ResourceKinds.Deployment || kind == ResourceKinds.StatefulSet;

    public static async Task HandleAsync(HttpContext ctx, ResourceKind kind, string name, ObjectRepository repository, IObjectWriter writer)
    {
        if (repository.Get(kind.Kind, name) is not { } current)
        {
            await ApiStatus.NotFound(ctx, kind, name).ConfigureAwait(false);
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
            try
            {
                var scale = ctx.Request.Method == "PATCH" ? JsonPatching.Apply(Scale(current.Object), body, ctx.Request.ContentType ?? "") : body;
                replicas = JsonNode.Parse(scale)?["spec"]?["replicas"]?.GetValue<int>();
            }
            catch (PatchNotApplicableException e)
            {
                await ApiStatus.Invalid(ctx, kind, name, "cannot apply patch: " + e.Message).ConfigureAwait(false);
                return;
            }
            catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException)
            {
                await ApiStatus.BadRequest(ctx, "invalid Scale: " + e.Message).ConfigureAwait(false);
                return;
            }
            if (replicas is not { } wanted || wanted < 0)
            {
                await ApiStatus.Invalid(ctx, kind, name, "spec.replicas: must be a non-negative integer").ConfigureAwait(false);
                return;
            }
            if (wanted != Replicas(current.Object))
            {
                var desired = JsonNode.Parse(current.Json)!.AsObject();
                desired.Remove("status");
                var metadata = desired["metadata"]!.AsObject();
                foreach (var field in new[] { "resourceVersion", "generation", "managedFields" }) metadata.Remove(field);
                desired["spec"]!["replicas"] = wanted;
                var loaded = ManifestLoader.LoadText(desired.ToJsonString(), $"{ctx.Request.Method} {ctx.Request.Path}");
                if (!loaded.Succeeded)
                {
                    await ApiStatus.Invalid(ctx, kind, name, string.Join("\n", loaded.Errors)).ConfigureAwait(false);
                    return;
                }
                await writer.ApplyAsync(loaded.Objects, DesiredState.ApiSource, ctx.RequestAborted).ConfigureAwait(false);
                current = repository.Get(kind.Kind, name) ?? current;
            }
        }
        ctx.Response.ContentType = "application/json";
        await ctx.Response.WriteAsync(Scale(current.Object)).ConfigureAwait(false);
    }

    private static int Replicas(IKubernetesObject<V1ObjectMeta> obj) => obj switch
    {
        V1Deployment d => d.Spec.Replicas ?? 1,
        V1StatefulSet s => s.Spec.Replicas ?? 1,
        _ => 0,
    };

    private static string Scale(IKubernetesObject<V1ObjectMeta> obj)
    {
        var (observed, selector) = obj switch
        {
            V1Deployment d => (d.Status?.Replicas ?? 0, d.Spec.Selector),
            V1StatefulSet s => (s.Status?.Replicas ?? 0, s.Spec.Selector),
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

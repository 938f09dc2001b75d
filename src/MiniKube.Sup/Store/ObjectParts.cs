using System.Globalization;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using MiniKube.Sup.Spec;

namespace MiniKube.Sup.Store;

/// <summary>An object's two parts as the store keeps them (k8s: the main resource and its status subresource): its
/// metadata and spec (every field but status, without resourceVersion) and its status, each as canonical JSON (the
/// model serializer's property order), so that an unchanged part compares equal as text.</summary>
internal static class ObjectParts
{
    public const string PendingPodStatus = """{"phase":"Pending"}""";

    /// <summary>The object's parts, its metadata first adjusted on a private copy.</summary>
    public static (string Spec, string? Status) Split(IKubernetesObject<V1ObjectMeta> obj, Action<V1ObjectMeta> adjust)
    {
        var node = JsonNode.Parse(ModelJson.Serialize(obj))!.AsObject();
        var meta = node["metadata"] is { } m ? KubernetesJson.Deserialize<V1ObjectMeta>(m.ToJsonString()) : new V1ObjectMeta();
        adjust(meta);
        meta.ResourceVersion = null;
        meta.ManagedFields = null;
        meta.SelfLink = null;
        node["metadata"] = JsonNode.Parse(KubernetesJson.Serialize(meta));
        var status = node["status"]?.ToJsonString();
        node.Remove("status");
        return (node.ToJsonString(), status);
    }

    /// <summary>The status part alone (null when the kind has none).</summary>
    public static string? StatusOf(IKubernetesObject<V1ObjectMeta> obj) =>
        JsonNode.Parse(ModelJson.Serialize(obj))!.AsObject()["status"]?.ToJsonString();

    /// <summary>A status model as the status part (the same text <see cref="StatusOf"/> gives for it).</summary>
    public static string StatusJson(object status) => JsonNode.Parse(KubernetesJson.Serialize(status))!.ToJsonString();

    /// <summary>The whole object as served: metadata and spec, resourceVersion, status.</summary>
    public static string Compose(string spec, string? status, long resourceVersion)
    {
        var node = JsonNode.Parse(spec)!.AsObject();
        if (node["metadata"] is JsonObject meta) meta["resourceVersion"] = resourceVersion.ToString(CultureInfo.InvariantCulture);
        if (status is not null) node["status"] = JsonNode.Parse(status);
        return node.ToJsonString();
    }

    /// <summary>The parts <see cref="Compose"/> joined, exactly as they were: the object without its status and its
    /// metadata.resourceVersion, and its status. Exact because every part is canonical (what JsonNode writes, which
    /// writing again does not change) and Compose only appends: resourceVersion at the end of metadata (a part has none),
    /// status at the end of the object.</summary>
    public static (string Spec, string? Status) Decompose(string json)
    {
        var node = JsonNode.Parse(json)!.AsObject();
        var status = node["status"]?.ToJsonString();
        node.Remove("status");
        if (node["metadata"] is JsonObject meta) meta.Remove("resourceVersion");
        return (node.ToJsonString(), status);
    }

    /// <summary>Kinds whose desired state is a <c>spec</c> (k8s keeps metadata.generation for them).</summary>
    public static bool HasSpec(string kind) => Kinds.ByKind(kind)?.HasSpec ?? true;

    /// <summary>The spec part without its metadata: what metadata.generation counts changes of.</summary>
    public static string Body(string spec)
    {
        var node = JsonNode.Parse(spec)!.AsObject();
        node.Remove("metadata");
        return node.ToJsonString();
    }
}

using System.Text.Json;
using System.Text.Json.Serialization;
using k8s;

namespace MiniKube.Sup.Store;

/// <summary>What the client library's serializer lacks: a ControllerRevision's <c>data</c> is typed <c>object</c>
/// (a RawExtension), which holds a <see cref="JsonElement"/> once parsed, and the library's source-generated context
/// has no metadata for it. A copy of the library's options with that added, made on first use: the library's own
/// options are left as they are, and nothing runs at load (a module initializer did, and rooted every model's
/// serializer in the small `sup` client, which never serializes one: 8 MB became 20 MB and every command 10 ms
/// slower).</summary>
internal static class ModelJsonOptions
{
    private static readonly Lazy<JsonSerializerOptions> Extended = new(() =>
    {
        JsonSerializerOptions? copy = null;
        KubernetesJson.AddJsonOptions(o =>
        {
            copy = new JsonSerializerOptions(o);
            copy.TypeInfoResolverChain.Add(RawExtensionJson.Default);
        });
        return copy!;
    });

    public static JsonSerializerOptions Options => Extended.Value;
}

[JsonSerializable(typeof(JsonElement))]
internal sealed partial class RawExtensionJson : JsonSerializerContext;

using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Serialization;
using k8s;

namespace MiniKube.Sup.Store;

/// <summary>What the client library's serializer lacks: a ControllerRevision's <c>data</c> is typed <c>object</c>
/// (a RawExtension), which holds a <see cref="JsonElement"/> once parsed, and the library's source-generated context
/// has no metadata for it. Added once, before any serialization (a module initializer runs before any code of this
/// assembly).</summary>
internal static class ModelJsonOptions
{
#pragma warning disable CA2255 // the serializer's options must be extended before their first use
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void Extend() => KubernetesJson.AddJsonOptions(o => o.TypeInfoResolverChain.Add(RawExtensionJson.Default));
}

[JsonSerializable(typeof(JsonElement))]
internal sealed partial class RawExtensionJson : JsonSerializerContext;

using System.Text.Json.Serialization;

namespace MiniKube.Sup.Runtime.Engine;

/// <summary>What the engine's command line takes and gives as JSON, serialized without reflection (NativeAOT).</summary>
[JsonSerializable(typeof(string[]))]
[JsonSerializable(typeof(string))]
[JsonSourceGenerationOptions(GenerationMode = JsonSourceGenerationMode.Default)]
internal sealed partial class EngineJson : JsonSerializerContext;

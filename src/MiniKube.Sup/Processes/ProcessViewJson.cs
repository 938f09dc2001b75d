using System.Text.Json;
using System.Text.Json.Serialization;

namespace MiniKube.Sup.Processes;

/// <summary>Source-generated (AOT-safe) JSON of the process view, camelCase:
/// <c>{"pods":[{"name":..,"containers":[{"name":..,"masterPid":..,"processes":[{"pid":..,"ppid":..,"role":"master",
/// "state":"S","cpuPercent":..,"rssBytes":..,"command":..,"depth":0}]}]}]}</c>.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true)]
[JsonSerializable(typeof(ProcessViewDocument))]
public sealed partial class ProcessViewJsonContext : JsonSerializerContext;

public static class ProcessViewJson
{
    public static string Serialize(IReadOnlyList<ProcessViewPod> pods) =>
        JsonSerializer.Serialize(new ProcessViewDocument(pods), ProcessViewJsonContext.Default.ProcessViewDocument);

    public static ProcessViewDocument? Deserialize(string json) =>
        JsonSerializer.Deserialize(json, ProcessViewJsonContext.Default.ProcessViewDocument);
}

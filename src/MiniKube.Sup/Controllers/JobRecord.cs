using System.Text.Json;
using System.Text.Json.Serialization;

namespace MiniKube.Sup.Controllers;

/// <summary>
/// What the Job controller keeps across daemon restarts (in the store's status table, next to the Job, so that
/// deleting the Job deletes it): the Job's status as published, the template it was computed for, which pods have
/// been counted (k8s tracks this with finalizers and uncountedTerminatedPods), and the pod-failure backoff state.
/// </summary>
public sealed record JobRecord
{
    /// <summary>The status, as Kubernetes JSON.</summary>
    public string StatusJson { get; init; } = "{}";

    public string TemplateHash { get; init; } = "";

    /// <summary>Finished pods already reflected in succeeded/failed (names are unique: random suffixes).</summary>
    public List<string> Counted { get; init; } = [];

    public int FailuresAfterLastSuccess { get; init; }

    public DateTimeOffset? LastFailureAt { get; init; }

    public string ToJson() => JsonSerializer.Serialize(this, JobRecordJson.Default.JobRecord);

    public static JobRecord? FromJson(string json)
    {
        try { return JsonSerializer.Deserialize(json, JobRecordJson.Default.JobRecord); }
        catch (JsonException) { return null; }
    }
}

[JsonSerializable(typeof(JobRecord))]
internal sealed partial class JobRecordJson : JsonSerializerContext;

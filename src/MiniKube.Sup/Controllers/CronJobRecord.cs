using System.Text.Json;
using System.Text.Json.Serialization;

namespace MiniKube.Sup.Controllers;

/// <summary>What the CronJob controller keeps across daemon restarts (in the store's status table, deleted with
/// the CronJob): the last schedule time, which drives the one catch-up run after downtime; the last successful time;
/// and when the CronJob was first seen, which stands for its creationTimestamp (not kept by the store) as the
/// earliest time a tick may be run for.</summary>
public sealed record CronJobRecord
{
    public DateTimeOffset? LastScheduleTime { get; init; }

    public DateTimeOffset? LastSuccessfulTime { get; init; }

    public DateTimeOffset FirstSeen { get; init; }

    public string ToJson() => JsonSerializer.Serialize(this, CronJobRecordJson.Default.CronJobRecord);

    public static CronJobRecord? FromJson(string json)
    {
        try { return JsonSerializer.Deserialize(json, CronJobRecordJson.Default.CronJobRecord); }
        catch (JsonException) { return null; }
    }
}

[JsonSerializable(typeof(CronJobRecord))]
internal sealed partial class CronJobRecordJson : JsonSerializerContext;

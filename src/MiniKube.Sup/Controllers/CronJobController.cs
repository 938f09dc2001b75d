using System.Globalization;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;
using MiniKube.Sup.Api;
using MiniKube.Sup.Cron;
using MiniKube.Sup.Events;
using MiniKube.Sup.Spec;

namespace MiniKube.Sup.Controllers;

/// <summary>
/// CronJob (k8s cronjob_controllerv2.go syncCronJob): creates a Job named <c>&lt;cronjob&gt;-&lt;unix minutes&gt;</c>
/// for the most recent due tick (so a tick can never run twice), honours suspend, startingDeadlineSeconds and the
/// concurrency policy, keeps the history limits, and sleeps until the next tick (one timer per CronJob, no polling).
/// Jobs it creates are stored as desired objects (source <c>controller</c>), so they and their status survive a
/// restart; lastScheduleTime is persisted, so after downtime exactly one catch-up run of the latest missed tick
/// happens, as upstream.
/// </summary>
public sealed partial class CronJobController(ControllerContext context) : Controller(context)
{
    public const string ControllerSource = "controller";
    public const string ScheduledTimestampAnnotation = "batch.kubernetes.io/cronjob-scheduled-timestamp";
    /// <summary>k8s nextScheduleDelta: a little after the tick, so that the tick is in the past when the sync runs.</summary>
    private static readonly TimeSpan Pad = TimeSpan.FromMilliseconds(1);

    private readonly Dictionary<string, CronJobRecord> _records = new(StringComparer.Ordinal);
    private readonly Dictionary<string, CronJobRecord> _stored = new(StringComparer.Ordinal);
    private readonly Dictionary<string, HashSet<string>> _activeSeen = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (DateTimeOffset Due, CancellationTokenSource Cancel)> _wakes = new(StringComparer.Ordinal);
    private readonly Lock _wakeGate = new();

    public override string Kind => "CronJob";

    /// <summary>A CronJob's own changes, and those of the Jobs it controls (a finished Job frees a Forbid slot).</summary>
    public override IEnumerable<string> KeysFor(WatchEvent change)
    {
        if (change.Kind == Kind) yield return change.Object.Metadata.Name;
        else if (change.Kind == "Job" && OwnerName(change.Object.Metadata, Kind) is { } owner) yield return owner;
    }

    public override Task<TimeSpan?> ReconcileAsync(string name, CancellationToken cancel)
    {
        if (Repository.Get(Kind, name)?.Object is not V1CronJob stored)
        {
            _records.Remove(name);
            _stored.Remove(name);
            _activeSeen.Remove(name);
            CancelWake(name);
            return Task.FromResult<TimeSpan?>(null);
        }
        var cj = PodTemplates.Clone(stored);
        var now = Time.GetUtcNow();
        var record = Load(cj, now);
        var jobs = Adopt(cj, Repository.List("Job").Select(e => (V1Job)e.Object)
            .Where(j => OwnerName(j.Metadata, Kind) == name).ToList());

        // 1. Active Jobs, finished ones noticed, last successful time.
        var active = jobs.Where(j => !JobConditions.IsFinished(j.Status)).ToList();
        var seen = _activeSeen.GetValueOrDefault(name) ?? [];
        foreach (var j in jobs.Where(j => JobConditions.IsFinished(j.Status) && seen.Contains(j.Metadata.Name)))
        {
            var condition = JobConditions.IsTrue(j.Status, JobConditions.Complete) ? JobConditions.Complete : JobConditions.Failed;
            Record(cj.Metadata, SupEvent.Normal, "SawCompletedJob", $"Saw completed job: {j.Metadata.Name}, condition: {condition}");
        }
        foreach (var j in jobs.Where(j => JobConditions.IsTrue(j.Status, JobConditions.Complete) && j.Status.CompletionTime is not null))
        {
            var completedAt = Utc(j.Status.CompletionTime!.Value);
            if (record.LastSuccessfulTime is null || completedAt > record.LastSuccessfulTime) record = record with { LastSuccessfulTime = completedAt };
        }
        CleanUpHistory(cj, jobs);

        var wake = Schedule(cj, record, active, now, out var created, out record);
        if (created is not null) active.Add(created);
        _activeSeen[name] = active.Select(j => j.Metadata.Name).ToHashSet(StringComparer.Ordinal);

        // At a tick the Job's own stored object is what guarantees the tick never runs twice; the new schedule time is
        // written at the next look (the new Job wakes this CronJob again), so that CronJobs firing together each pay
        // one disk write, not two.
        Save(name, record, persist: created is null);
        cj.Status = new V1CronJobStatus
        {
            Active = active.Count == 0 ? null : active.OrderBy(j => j.Metadata.Name, StringComparer.Ordinal).Select(Reference).ToList(),
            LastScheduleTime = record.LastScheduleTime?.UtcDateTime,
            LastSuccessfulTime = record.LastSuccessfulTime?.UtcDateTime,
        };
        if (Repository.Get(Kind, name) is not null) Repository.UpsertIfChanged(cj);
        if (wake is { } due) WakeAt(name, due);
        else CancelWake(name);
        return Task.FromResult<TimeSpan?>(null);
    }

    /// <summary>Steps 2–11 of syncCronJob: creates the Job for the latest due tick if the rules allow it; returns
    /// when the next tick is due (null: never, e.g. suspended or a bad time zone).</summary>
    private DateTimeOffset? Schedule(V1CronJob cj, CronJobRecord record, List<V1Job> active, DateTimeOffset now, out V1Job? created, out CronJobRecord updated)
    {
        created = null;
        updated = record;
        var spec = cj.Spec;
        if (spec.Suspend == true) return null; // k8s: running Jobs are unaffected

        if (Zone(spec.TimeZone, out var zoneError) is not { } zone)
        {
            Record(cj.Metadata, SupEvent.Warning, "UnknownTimeZone", $"invalid timeZone: \"{spec.TimeZone}\": {zoneError}");
            return null;
        }
        if (CronSchedule.Parse(spec.Schedule, out var scheduleError) is not { } schedule)
        {
            Record(cj.Metadata, SupEvent.Warning, "UnparseableSchedule", $"unparseable schedule: \"{spec.Schedule}\" : {scheduleError}");
            return null;
        }

        var earliest = record.LastScheduleTime ?? record.FirstSeen;
        if (spec.StartingDeadlineSeconds is { } sds && now - TimeSpan.FromSeconds(sds) > earliest) earliest = now - TimeSpan.FromSeconds(sds);
        var (mostRecent, missed) = schedule.MostRecent(earliest, now, zone);
        var next = schedule.Next(now, zone);
        if (next is null && mostRecent is null)
        {
            Record(cj.Metadata, SupEvent.Warning, "InvalidSchedule", $"invalid schedule: {spec.Schedule} : no time matches it");
            return null;
        }
        var wake = next is { } n ? n + Pad : (DateTimeOffset?)null;
        if (mostRecent is not { } tick) return wake;

        if (missed > 100)
            Record(cj.Metadata, SupEvent.Warning, "TooManyMissedTimes", $"too many missed start times: {missed}. Set or decrease .spec.startingDeadlineSeconds or check clock skew");
        if (spec.StartingDeadlineSeconds is { } deadline && tick + TimeSpan.FromSeconds(deadline) < now)
        {
            Record(cj.Metadata, SupEvent.Warning, "MissSchedule", $"Missed scheduled time to start a job: {tick.ToOffset(zone.GetUtcOffset(tick)):yyyy-MM-ddTHH:mm:sszzz}");
            return wake;
        }
        var jobName = JobName(cj.Metadata.Name, tick);
        if (Repository.Get("Job", jobName) is not null || record.LastScheduleTime == tick)
        {
            // The tick's Job exists (created before a restart that lost the schedule time): never twice.
            if (record.LastScheduleTime is null || record.LastScheduleTime < tick) updated = record with { LastScheduleTime = tick };
            return wake;
        }
        if (spec.ConcurrencyPolicy == "Forbid" && active.Count > 0)
        {
            // k8s: lastScheduleTime is not advanced, so the tick runs once the active Job finishes (if still the latest).
            Record(cj.Metadata, SupEvent.Normal, "JobAlreadyActive", "Not starting job because prior execution is running and concurrency policy is Forbid");
            return wake;
        }
        if (spec.ConcurrencyPolicy == "Replace")
        {
            foreach (var old in active.ToList())
            {
                DeleteJob(cj, old);
                active.Remove(old);
            }
        }

        var job = NewJob(cj, jobName, tick, zone, now);
        Context.Store?.PutObject("Job", jobName, KubernetesJson.Serialize(job), ControllerSource);
        Repository.Upsert(job);
        Record(cj.Metadata, SupEvent.Normal, "SuccessfulCreate", $"Created job {jobName}");
        LogFired(Context.Logger, cj.Metadata.Name, jobName, tick.UtcDateTime, (now - tick).TotalMilliseconds);
        created = job;
        updated = record with { LastScheduleTime = tick };
        return wake;
    }

    /// <summary>k8s getJobName: minutes since the epoch of the scheduled time (an idempotency lock per tick).</summary>
    public static string JobName(string cronJob, DateTimeOffset tick) =>
        $"{cronJob}-{(tick.ToUnixTimeSeconds() / 60).ToString(CultureInfo.InvariantCulture)}";

    /// <summary>k8s getJobFromTemplate2: the template's labels and annotations, the scheduled-timestamp annotation,
    /// a controller reference; Job defaults applied as the API server would.</summary>
    private static V1Job NewJob(V1CronJob cj, string name, DateTimeOffset tick, TimeZoneInfo zone, DateTimeOffset now)
    {
        var template = cj.Spec.JobTemplate;
        var annotations = new Dictionary<string, string>(template.Metadata?.Annotations ?? new Dictionary<string, string>(), StringComparer.Ordinal)
        {
            [ScheduledTimestampAnnotation] = tick.ToOffset(zone.GetUtcOffset(tick)).ToString("yyyy-MM-ddTHH:mm:sszzz", CultureInfo.InvariantCulture),
        };
        var job = new V1Job
        {
            ApiVersion = "batch/v1",
            Kind = "Job",
            Metadata = new V1ObjectMeta
            {
                Name = name,
                NamespaceProperty = "default",
                Uid = Guid.NewGuid().ToString(),
                CreationTimestamp = now.UtcDateTime,
                Generation = 1,
                Labels = template.Metadata?.Labels is { } labels ? new Dictionary<string, string>(labels, StringComparer.Ordinal) : null,
                Annotations = annotations,
                OwnerReferences = [PodTemplates.OwnerReference(cj)],
            },
            Spec = PodTemplates.Clone(template.Spec),
        };
        ManifestDefaults.ApplyJobSpec(job.Spec);
        return job;
    }

    /// <summary>k8s cleanupFinishedJobs: finished Jobs beyond the history limits go, oldest start time first.</summary>
    private void CleanUpHistory(V1CronJob cj, List<V1Job> jobs)
    {
        void Trim(IEnumerable<V1Job> finished, int? limit)
        {
            if (limit is not { } keep) return;
            var list = finished.OrderBy(j => j.Status?.StartTime ?? DateTime.MinValue).ToList();
            foreach (var old in list.Take(Math.Max(0, list.Count - keep))) DeleteJob(cj, old);
        }
        Trim(jobs.Where(j => JobConditions.IsTrue(j.Status, JobConditions.Complete)), cj.Spec.SuccessfulJobsHistoryLimit);
        Trim(jobs.Where(j => JobConditions.IsTrue(j.Status, JobConditions.Failed)), cj.Spec.FailedJobsHistoryLimit);
    }

    private void DeleteJob(V1CronJob cj, V1Job job)
    {
        Context.Store?.DeleteObject("Job", job.Metadata.Name);
        Repository.Remove("Job", job.Metadata.Name); // the garbage collector takes its pods
        Record(cj.Metadata, SupEvent.Normal, "SuccessfulDelete", $"Deleted job {job.Metadata.Name}");
    }

    /// <summary>Jobs created before a restart name the CronJob's earlier uid (the store does not keep uids): they are
    /// adopted (k8s ControllerRefManager) so that deleting the CronJob still takes them.</summary>
    private List<V1Job> Adopt(V1CronJob cj, List<V1Job> jobs)
    {
        var result = new List<V1Job>(jobs.Count);
        foreach (var job in jobs)
        {
            var owner = job.Metadata.OwnerReferences.First(r => r.Controller == true && r.Kind == Kind);
            if (owner.Uid == cj.Metadata.Uid)
            {
                result.Add(job);
                continue;
            }
            var adopted = PodTemplates.Clone(job);
            adopted.Metadata.OwnerReferences = adopted.Metadata.OwnerReferences
                .Select(r => r.Controller == true && r.Kind == Kind ? PodTemplates.OwnerReference(cj) : r).ToList();
            if (Context.Store?.GetObject("Job", job.Metadata.Name) is { } row)
            {
                var desired = PodTemplates.Clone(adopted);
                desired.Status = null;
                desired.Metadata.ResourceVersion = null;
                Context.Store.PutObject("Job", job.Metadata.Name, KubernetesJson.Serialize(desired), row.Source);
            }
            Repository.Upsert(adopted);
            result.Add(adopted);
        }
        return result;
    }

    private static V1ObjectReference Reference(V1Job job) => new()
    {
        ApiVersion = "batch/v1",
        Kind = "Job",
        Name = job.Metadata.Name,
        NamespaceProperty = "default",
        Uid = job.Metadata.Uid,
        ResourceVersion = job.Metadata.ResourceVersion,
    };

    /// <summary>The IANA zone (k8s: unset means the controller manager's local zone).</summary>
    public static TimeZoneInfo? Zone(string? name, out string? error)
    {
        error = null;
        if (name is null) return TimeZoneInfo.Local;
        try { return TimeZoneInfo.FindSystemTimeZoneById(name); }
        catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException or ArgumentException)
        {
            error = $"unknown time zone {name}";
            return null;
        }
    }

    private CronJobRecord Load(V1CronJob cj, DateTimeOffset now)
    {
        var name = cj.Metadata.Name;
        if (_records.TryGetValue(name, out var record)) return record;
        if (Context.Store?.GetStatus(Kind, name) is { } json && CronJobRecord.FromJson(json) is { } stored)
        {
            _stored[name] = stored;
            return stored;
        }
        var created = cj.Metadata.CreationTimestamp is { } c ? Utc(c) : now;
        return new CronJobRecord { FirstSeen = created };
    }

    private void Save(string name, CronJobRecord record, bool persist)
    {
        _records[name] = record;
        if (!persist || (_stored.TryGetValue(name, out var stored) && stored == record)) return;
        if (Repository.Get(Kind, name) is null) return;
        Context.Store?.PutStatus(Kind, name, record.ToJson());
        _stored[name] = record;
    }

    /// <summary>One timer per CronJob, reset only when the next tick changes (a reconcile for a Job's change does
    /// not add timers).</summary>
    private void WakeAt(string name, DateTimeOffset due)
    {
        lock (_wakeGate)
        {
            if (_wakes.TryGetValue(name, out var current))
            {
                if (current.Due == due) return;
                current.Cancel.Cancel();
            }
            var cancel = new CancellationTokenSource();
            _wakes[name] = (due, cancel);
            var delay = due - Time.GetUtcNow();
            _ = Task.Delay(delay > TimeSpan.Zero ? delay : TimeSpan.Zero, Time, cancel.Token).ContinueWith(t =>
            {
                if (t.IsCanceled) return;
                lock (_wakeGate)
                    if (_wakes.TryGetValue(name, out var w) && w.Cancel == cancel) _wakes.Remove(name);
                Enqueue(name);
            }, TaskScheduler.Default);
        }
    }

    private void CancelWake(string name)
    {
        lock (_wakeGate)
            if (_wakes.Remove(name, out var current)) current.Cancel.Cancel();
    }

    /// <summary>When the next tick of this CronJob is due (for tests and the bench).</summary>
    public DateTimeOffset? NextWake(string name)
    {
        lock (_wakeGate) return _wakes.TryGetValue(name, out var w) ? w.Due : null;
    }

    private static DateTimeOffset Utc(DateTime t) => new(DateTime.SpecifyKind(t, DateTimeKind.Utc));

    [LoggerMessage(Level = LogLevel.Information, Message = "CronJob/{CronJob}: fired {Job} for {Scheduled:O}, {LatenessMs:0.0} ms after the tick")]
    private static partial void LogFired(ILogger logger, string cronJob, string job, DateTime scheduled, double latenessMs);
}

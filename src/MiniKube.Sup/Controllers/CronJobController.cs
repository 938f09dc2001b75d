using System.Globalization;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;
using MiniKube.Sup.Cron;
using MiniKube.Sup.Events;
using MiniKube.Sup.Spec;
using MiniKube.Sup.Store;

namespace MiniKube.Sup.Controllers;

/// <summary>
/// CronJob (k8s cronjob_controllerv2.go syncCronJob): creates a Job named <c>&lt;cronjob&gt;-&lt;unix minutes&gt;</c>
/// for the most recent due tick (so a tick can never run twice), honours suspend, startingDeadlineSeconds and the
/// concurrency policy, keeps the history limits, and asks to look again just after the next tick (the work queue
/// keeps one timer per CronJob; no polling). The Jobs it creates are stored at once, so they survive a restart, and
/// so does the CronJob's status: after downtime exactly one catch-up run of the latest missed tick happens, as
/// upstream, counted from lastScheduleTime (else from the CronJob's creation).
/// </summary>
public sealed partial class CronJobController(ControllerContext context) : Controller(context)
{
    public const string ScheduledTimestampAnnotation = "batch.kubernetes.io/cronjob-scheduled-timestamp";
    /// <summary>k8s nextScheduleDelta: a little after the tick, so that the tick is in the past when the sync runs.</summary>
    private static readonly TimeSpan Pad = TimeSpan.FromMilliseconds(1);

    private readonly Dictionary<ObjectKey, DateTimeOffset> _nextWake = new();
    private readonly Lock _wakeGate = new();

    public override string Kind => Kinds.CronJob.Kind;

    /// <summary>A CronJob's own changes, and those of the Jobs it controls (a finished Job frees a Forbid slot).</summary>
    public override IEnumerable<string> KeysFor(ObjectEvent change)
    {
        if (change.Kind == Kind) yield return QueueKey(change.Object.Metadata);
        else if (change.Kind == Kinds.Job.Kind && OwnerKey(change.Object.Metadata, Kind) is { } owner) yield return owner;
    }

    public override Task<TimeSpan?> ReconcileAsync(string queueKey, CancellationToken cancel)
    {
        var key = KeyOf(queueKey);
        var name = key.Name;
        if (Store.Get(key) is not { } stored)
        {
            lock (_wakeGate) _nextWake.Remove(key);
            return Task.FromResult<TimeSpan?>(null);
        }
        var cj = stored.Copy<V1CronJob>();
        var now = Time.GetUtcNow();
        var status = cj.Status ?? new V1CronJobStatus();
        var jobs = Store.ListOwned(Kinds.Job.Kind, cj.Metadata.Uid).Select(o => o.As<V1Job>())
            .Where(j => OwnerName(j.Metadata, Kind) == name).ToList();

        // 1. Active Jobs, finished ones noticed (those still listed as active), last successful time.
        var active = jobs.Where(j => !JobConditions.IsFinished(j.Status)).ToList();
        var listed = status.Active?.Select(r => r.Name).ToHashSet(StringComparer.Ordinal) ?? [];
        foreach (var j in jobs.Where(j => JobConditions.IsFinished(j.Status) && listed.Contains(j.Metadata.Name)))
        {
            var condition = JobConditions.IsTrue(j.Status, JobConditions.Complete) ? JobConditions.Complete : JobConditions.Failed;
            Record(cj.Metadata, SupEvent.Normal, "SawCompletedJob", $"Saw completed job: {j.Metadata.Name}, condition: {condition}");
        }
        var lastSuccessful = status.LastSuccessfulTime is { } ls ? Utc(ls) : (DateTimeOffset?)null;
        foreach (var j in jobs.Where(j => JobConditions.IsTrue(j.Status, JobConditions.Complete) && j.Status.CompletionTime is not null))
        {
            var completedAt = Utc(j.Status.CompletionTime!.Value);
            if (lastSuccessful is null || completedAt > lastSuccessful) lastSuccessful = completedAt;
        }
        CleanUpHistory(cj, jobs);

        var lastScheduled = status.LastScheduleTime is { } lt ? Utc(lt) : (DateTimeOffset?)null;
        var wake = Schedule(cj, lastScheduled, active, now, out var created, out lastScheduled);
        if (created is not null) active.Add(created);

        var next = new V1CronJobStatus
        {
            Active = active.Count == 0 ? null : active.OrderBy(j => j.Metadata.Name, StringComparer.Ordinal).Select(Reference).ToList(),
            LastScheduleTime = lastScheduled?.UtcDateTime,
            LastSuccessfulTime = lastSuccessful?.UtcDateTime,
        };
        // Durable: lastScheduleTime decides the catch-up run after downtime (the tick's Job, durable too, guarantees
        // that no tick runs twice).
        Store.MutateStatus<V1CronJob>(key, latest =>
        {
            if (latest.Metadata.Uid != cj.Metadata.Uid) return false;
            latest.Status = next;
            return true;
        });
        lock (_wakeGate)
        {
            if (wake is { } due) _nextWake[key] = due;
            else _nextWake.Remove(key);
        }
        return Task.FromResult(wake is { } at ? at - now : (TimeSpan?)null);
    }

    /// <summary>Steps 2–11 of syncCronJob: creates the Job for the latest due tick if the rules allow it; returns
    /// when the next tick is due (null: never, e.g. suspended or a bad time zone).</summary>
    private DateTimeOffset? Schedule(V1CronJob cj, DateTimeOffset? lastScheduled, List<V1Job> active, DateTimeOffset now, out V1Job? created, out DateTimeOffset? updated)
    {
        created = null;
        updated = lastScheduled;
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

        var earliest = lastScheduled ?? (cj.Metadata.CreationTimestamp is { } c ? Utc(c) : now);
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
        if (Store.Get(Kinds.Job.Kind, jobName, Namespace(cj)) is not null || lastScheduled == tick)
        {
            // The tick's Job exists (created before a crash that lost the schedule time): never twice.
            if (lastScheduled is null || lastScheduled < tick) updated = tick;
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

        V1Job job;
        try { job = Store.Create(NewJob(cj, jobName, tick, zone), PodControl.ControllerSource).Copy<V1Job>(); }
        catch (StoreConflictException e) when (e.Reason == StoreConflictReason.AlreadyExists) { return wake; }
        Record(cj.Metadata, SupEvent.Normal, "SuccessfulCreate", $"Created job {jobName}");
        LogFired(Context.Logger, cj.Metadata.Name, jobName, tick.UtcDateTime, (now - tick).TotalMilliseconds);
        Context.Metrics.CronJobLateness.Observe(Math.Max(0, (now - tick).TotalSeconds), Namespace(cj), cj.Metadata.Name);
        created = job;
        updated = tick;
        return wake;
    }

    /// <summary>k8s getJobName: minutes since the epoch of the scheduled time (an idempotency lock per tick).</summary>
    public static string JobName(string cronJob, DateTimeOffset tick) =>
        $"{cronJob}-{(tick.ToUnixTimeSeconds() / 60).ToString(CultureInfo.InvariantCulture)}";

    /// <summary>k8s getJobFromTemplate2: the template's labels and annotations, the scheduled-timestamp annotation,
    /// a controller reference; Job defaults applied as the API server would.</summary>
    private static V1Job NewJob(V1CronJob cj, string name, DateTimeOffset tick, TimeZoneInfo zone)
    {
        var template = cj.Spec.JobTemplate;
        var annotations = new Dictionary<string, string>(template.Metadata?.Annotations ?? new Dictionary<string, string>(), StringComparer.Ordinal)
        {
            [ScheduledTimestampAnnotation] = tick.ToOffset(zone.GetUtcOffset(tick)).ToString("yyyy-MM-ddTHH:mm:sszzz", CultureInfo.InvariantCulture),
        };
        var job = new V1Job
        {
            ApiVersion = Kinds.Job.ApiVersion,
            Kind = Kinds.Job.Kind,
            Metadata = new V1ObjectMeta
            {
                Name = name,
                NamespaceProperty = Namespace(cj),
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
        try { Store.Delete(ObjectKey.Of(job), new DeleteOptions(Uid: job.Metadata.Uid)); } // the garbage collector takes its pods
        catch (Exception e) when (e is StoreNotFoundException or StoreConflictException) { return; }
        Record(cj.Metadata, SupEvent.Normal, "SuccessfulDelete", $"Deleted job {job.Metadata.Name}");
    }

    private static V1ObjectReference Reference(V1Job job) => new()
    {
        ApiVersion = Kinds.Job.ApiVersion,
        Kind = Kinds.Job.Kind,
        Name = job.Metadata.Name,
        NamespaceProperty = Namespace(job),
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

    /// <summary>When the next tick of this CronJob is due (for tests and the bench).</summary>
    public DateTimeOffset? NextWake(string name, string ns = ObjectKey.DefaultNamespace)
    {
        lock (_wakeGate) return _nextWake.TryGetValue(new ObjectKey(Kind, ns, name), out var due) ? due : null;
    }

    private static string Namespace(IKubernetesObject<V1ObjectMeta> obj) => obj.Metadata.NamespaceProperty ?? ObjectKey.DefaultNamespace;

    private static DateTimeOffset Utc(DateTime t) => new(DateTime.SpecifyKind(t, DateTimeKind.Utc));

    [LoggerMessage(Level = LogLevel.Information, Message = "CronJob/{CronJob}: fired {Job} for {Scheduled:O}, {LatenessMs:0.0} ms after the tick")]
    private static partial void LogFired(ILogger logger, string cronJob, string job, DateTime scheduled, double latenessMs);
}

using System.Globalization;
using k8s.Models;
using MiniKube.Sup.Events;
using MiniKube.Sup.Spec;
using MiniKube.Sup.Store;

namespace MiniKube.Sup.Controllers;

/// <summary>
/// Job (k8s job_controller.go syncJob / manageJob): runs pods from the template until enough have succeeded, counts
/// failures as upstream does (failed pods under Never, summed container restarts under OnFailure), replaces failed
/// pods after the pod-failure backoff, and ends the Job Complete or Failed (BackoffLimitExceeded, DeadlineExceeded,
/// PodFailurePolicy). The steps of a Job are its pod's init containers and containers, which the pod agent runs in
/// order; a hung step is killed there. What a restart needs is in the store: the Job's status (written durably, so a
/// finished Job never runs again) and its pods, kept with their final status until the Job goes, from which every
/// count is derived (k8s counted them the same way before finalizer tracking). A pod that was running when the daemon
/// stopped is run again, so completions are never over-counted (a step may run twice if the daemon died while it ran:
/// make steps idempotent).
/// </summary>
public sealed class JobController(ControllerContext context, JobBackoffPolicy backoff) : Controller(context)
{
    public const string JobNameLabel = "batch.kubernetes.io/job-name";
    public const string ControllerUidLabel = "batch.kubernetes.io/controller-uid";
    public const string LegacyJobNameLabel = "job-name";
    public const string LegacyControllerUidLabel = "controller-uid";
    public const string CompletionIndexAnnotation = "batch.kubernetes.io/job-completion-index";
    public const string CompletionIndexVariable = "JOB_COMPLETION_INDEX";

    public JobController(ControllerContext context) : this(context, JobBackoffPolicy.Kubernetes) { }

    public override string Kind => Kinds.Job.Kind;

    public override Task<TimeSpan?> ReconcileAsync(string queueKey, CancellationToken cancel)
    {
        var key = KeyOf(queueKey);
        if (Store.Get(key) is not { } stored) return Task.FromResult<TimeSpan?>(null); // its pods go with it (GC)
        var job = stored.Copy<V1Job>();
        var now = Time.GetUtcNow();
        var pods = OwnedPods(job.Metadata.Uid);
        var status = job.Status ?? new V1JobStatus();
        var indexed = job.Spec.CompletionMode == "Indexed";
        var completed = CompletedIndexes.Parse(status.CompletedIndexes);
        var counts = JobPodCounts.Of(job, pods);
        if (indexed) completed.UnionWith(counts.CompletedIndexes);
        // Never fewer than reported before: a finished pod deleted by hand no longer counts, but what it did does.
        status.Succeeded = indexed ? completed.Count : Math.Max(status.Succeeded ?? 0, counts.Succeeded);
        status.Failed = Math.Max(status.Failed ?? 0, counts.Failed);
        status.CompletedIndexes = indexed ? CompletedIndexes.Format(completed) : null;

        var active = pods.Where(PodState.IsActive).ToList();
        TimeSpan? again = null;
        if (!JobConditions.IsFinished(status))
            again = Sync(job, status, active, completed, counts.FailJobMessage, counts.FailuresAfterLastSuccess, counts.LastFailureAt, now);

        // Re-read what is live after the actions above (deleted pods are terminating now).
        var live = OwnedPods(job.Metadata.Uid);
        status.Active = live.Count(PodState.IsActive);
        status.Ready = live.Count(p => PodState.IsActive(p) && PodState.IsReady(p));
        status.Terminating = live.Count(PodState.IsTerminating);
        // k8s: active, succeeded and failed are omitted when 0.
        if (status.Active == 0) status.Active = null;
        if (status.Succeeded == 0) status.Succeeded = null;
        if (status.Failed == 0) status.Failed = null;

        if (JobConditions.IsFinished(status)) again = Min(again, Expire(job, status, now));
        // Durable at once: a Job reported finished must not run again after a crash.
        var finishedNow = false;
        Store.MutateStatus<V1Job>(key, latest =>
        {
            if (latest.Metadata.Uid != job.Metadata.Uid) return false;
            finishedNow = !JobConditions.IsFinished(latest.Status) && JobConditions.IsFinished(status);
            latest.Status = status;
            return true;
        });
        if (finishedNow) ObserveDuration(job, status, now);
        return Task.FromResult(again);
    }

    /// <summary>sup_job_duration_seconds: from startTime to the finish, once per Job (the write that finished it).</summary>
    private void ObserveDuration(V1Job job, V1JobStatus status, DateTimeOffset now)
    {
        if (status.StartTime is not { } start) return;
        var condition = JobConditions.IsTrue(status, JobConditions.Complete) ? JobConditions.Complete : JobConditions.Failed;
        var seconds = (now - new DateTimeOffset(DateTime.SpecifyKind(start, DateTimeKind.Utc))).TotalSeconds;
        Context.Metrics.JobDuration.Observe(Math.Max(0, seconds), job.Metadata.NamespaceProperty ?? ObjectKey.DefaultNamespace, condition);
    }

    /// <summary>Decides for a Job that has not finished; returns when to look again.</summary>
    private TimeSpan? Sync(V1Job job, V1JobStatus status, List<V1Pod> active, SortedSet<int> completed,
        string? failJobMessage, int failuresAfterLastSuccess, DateTimeOffset? lastFailureAt, DateTimeOffset now)
    {
        var spec = job.Spec;
        var suspended = spec.Suspend == true;
        TimeSpan? again = null;

        if (suspended)
        {
            if (JobConditions.Set(status, JobConditions.Suspended, "True", "JobSuspended", "Job suspended", now))
                Record(job.Metadata, SupEvent.Normal, "Suspended", "Job suspended");
        }
        else if (JobConditions.Get(status, JobConditions.Suspended) is not null)
        {
            if (JobConditions.Set(status, JobConditions.Suspended, "False", "JobResumed", "Job resumed", now))
            {
                Record(job.Metadata, SupEvent.Normal, "Resumed", "Job resumed");
                // k8s: a resumed Job's startTime is reset, so that activeDeadlineSeconds counts active time only.
                status.StartTime = now.UtcDateTime;
            }
        }
        if (status.StartTime is null && !suspended) status.StartTime = now.UtcDateTime;

        // k8s evaluation order: an earlier FailureTarget, podFailurePolicy FailJob, backoff limit, active deadline.
        var target = JobConditions.Get(status, JobConditions.FailureTarget);
        (string Reason, string Message)? failure = target?.Status == "True" ? (target.Reason, target.Message) : null;
        if (failure is null && failJobMessage is not null) failure = (JobConditions.PodFailurePolicy, failJobMessage);
        if (failure is null && ExceedsBackoffLimit(job, status, active)) failure = (JobConditions.BackoffLimitExceeded, JobConditions.BackoffLimitMessage);
        if (failure is null && DeadlineDue(job, status, suspended) is { } due)
        {
            if (due <= now) failure = (JobConditions.DeadlineExceeded, JobConditions.DeadlineMessage);
            else again = due - now;
        }

        if (failure is { } f)
        {
            if (JobConditions.Set(status, JobConditions.FailureTarget, "True", f.Reason, f.Message, now))
                Record(job.Metadata, SupEvent.Warning, f.Reason, f.Message);
            // k8s: every active pod is terminated; the Job is Failed once none is left.
            foreach (var pod in active) DeletePod(job, pod);
            if (!OwnedPods(job.Metadata.Uid).Any(p => PodState.IsActive(p) || PodState.IsTerminating(p)))
                JobConditions.Set(status, JobConditions.Failed, "True", f.Reason, f.Message, now);
            return null;
        }

        var completions = spec.Completions;
        var succeeded = status.Succeeded ?? 0;
        var done = completions is { } c ? succeeded >= c : succeeded > 0 && active.Count == 0;
        if (done || JobConditions.IsTrue(status, JobConditions.SuccessCriteriaMet))
        {
            JobConditions.Set(status, JobConditions.SuccessCriteriaMet, "True", JobConditions.CompletionsReached, JobConditions.CompletionsMessage, now);
            foreach (var pod in active) DeletePod(job, pod);
            if (!OwnedPods(job.Metadata.Uid).Any(p => PodState.IsActive(p) || PodState.IsTerminating(p)))
            {
                JobConditions.Set(status, JobConditions.Complete, "True", JobConditions.CompletionsReached, JobConditions.CompletionsMessage, now);
                status.CompletionTime = now.UtcDateTime;
                Record(job.Metadata, SupEvent.Normal, "Completed", "Job completed");
            }
            return null;
        }

        // k8s manageJob: how many pods should run now.
        var parallelism = spec.Parallelism ?? 1;
        int wantActive;
        if (suspended) wantActive = 0;
        else if (completions is { } total)
            wantActive = Math.Min(parallelism, spec.CompletionMode == "Indexed" ? total - completed.Count : total - succeeded);
        else wantActive = succeeded > 0 ? 0 : parallelism; // work queue: once one succeeded, no new pods
        wantActive = Math.Max(wantActive, 0);

        if (active.Count > wantActive)
        {
            // Newest first, as the pods that have done the least work.
            foreach (var pod in active.OrderByDescending(p => p.Metadata.CreationTimestamp).Take(active.Count - wantActive)) DeletePod(job, pod);
            return again;
        }
        if (active.Count == wantActive) return again;

        // k8s: a failed pod is replaced after 10 s × 2^(failures since the last success − 1), from its finish time.
        if (failuresAfterLastSuccess > 0 && lastFailureAt is { } lastFailure)
        {
            var ready = lastFailure + backoff.Delay(failuresAfterLastSuccess);
            if (ready > now) return Min(again, ready - now);
        }

        var toCreate = wantActive - active.Count;
        if (spec.CompletionMode == "Indexed")
        {
            var busy = active.Select(IndexOf).Where(i => i is not null).Select(i => i!.Value).ToHashSet();
            foreach (var index in Enumerable.Range(0, completions ?? 0).Where(i => !completed.Contains(i) && !busy.Contains(i)).Take(toCreate))
                CreatePod(job, index);
        }
        else
        {
            for (var i = 0; i < toCreate; i++) CreatePod(job, null);
        }
        return again;
    }

    /// <summary>k8s: Never — failed pods > backoffLimit; OnFailure — restarts summed over the containers of
    /// pending and running pods ≥ backoffLimit (> 0 when the limit is 0).</summary>
    private static bool ExceedsBackoffLimit(V1Job job, V1JobStatus status, List<V1Pod> active)
    {
        var limit = job.Spec.BackoffLimit ?? Spec.ManifestDefaults.DefaultJobBackoffLimit;
        if ((status.Failed ?? 0) > limit) return true;
        if (job.Spec.Template.Spec.RestartPolicy != "OnFailure") return false;
        var restarts = active
            .Where(p => p.Status?.Phase is null or "Pending" or "Running")
            .Sum(p => (p.Status?.InitContainerStatuses ?? []).Concat(p.Status?.ContainerStatuses ?? []).Sum(s => s.RestartCount));
        return limit == 0 ? restarts > 0 : restarts >= limit;
    }

    /// <summary>When the Job's activeDeadlineSeconds passes (k8s: counted from status.startTime; never while suspended).</summary>
    private static DateTimeOffset? DeadlineDue(V1Job job, V1JobStatus status, bool suspended)
    {
        if (job.Spec.ActiveDeadlineSeconds is not { } seconds || status.StartTime is not { } start || suspended) return null;
        return new DateTimeOffset(DateTime.SpecifyKind(start, DateTimeKind.Utc)) + TimeSpan.FromSeconds(seconds);
    }

    /// <summary>k8s TTL-after-finished controller: the Job (and with it its pods) is deleted ttl seconds after it
    /// finished (the Complete/Failed condition's transition time).</summary>
    private TimeSpan? Expire(V1Job job, V1JobStatus status, DateTimeOffset now)
    {
        if (job.Spec.TtlSecondsAfterFinished is not { } ttl) return null;
        var finished = (JobConditions.Get(status, JobConditions.Complete) is { Status: "True" } c ? c : JobConditions.Get(status, JobConditions.Failed))?.LastTransitionTime;
        if (finished is not { } at) return null;
        var due = new DateTimeOffset(DateTime.SpecifyKind(at, DateTimeKind.Utc)) + TimeSpan.FromSeconds(ttl);
        if (due > now) return due - now;
        try { Store.Delete(ObjectKey.Of(job), new DeleteOptions(Uid: job.Metadata.Uid)); } // the garbage collector takes its pods
        catch (Exception e) when (e is StoreNotFoundException or StoreConflictException) { }
        return null;
    }

    private void CreatePod(V1Job job, int? index)
    {
        var name = index is { } i ? $"{job.Metadata.Name}-{i}-{PodTemplates.RandomSuffix()}" : $"{job.Metadata.Name}-{PodTemplates.RandomSuffix()}";
        var labels = new Dictionary<string, string>
        {
            [ControllerUidLabel] = job.Metadata.Uid ?? "",
            [JobNameLabel] = job.Metadata.Name,
            [LegacyControllerUidLabel] = job.Metadata.Uid ?? "",
            [LegacyJobNameLabel] = job.Metadata.Name,
        };
        if (index is { } idx) labels[CompletionIndexAnnotation] = idx.ToString(CultureInfo.InvariantCulture);
        var pod = PodTemplates.NewPod(job.Spec.Template, name, job, labels);
        if (index is { } n)
        {
            var value = n.ToString(CultureInfo.InvariantCulture);
            pod.Metadata.Annotations = new Dictionary<string, string>(pod.Metadata.Annotations ?? new Dictionary<string, string>()) { [CompletionIndexAnnotation] = value };
            pod.Spec.Hostname ??= $"{job.Metadata.Name}-{value}";
            // k8s: JOB_COMPLETION_INDEX comes from the annotation through the downward API, in every container.
            foreach (var container in (pod.Spec.InitContainers ?? []).Concat(pod.Spec.Containers))
            {
                container.Env ??= [];
                if (container.Env.All(e => e.Name != CompletionIndexVariable))
                    container.Env.Add(new V1EnvVar { Name = CompletionIndexVariable, Value = value });
            }
        }
        if (Pods.Create(pod)) Record(job.Metadata, SupEvent.Normal, "SuccessfulCreate", $"Created pod: {name}");
    }

    private void DeletePod(V1Job job, V1Pod pod)
    {
        if (PodState.IsTerminating(pod)) return;
        Pods.Delete(pod);
        Record(job.Metadata, SupEvent.Normal, "SuccessfulDelete", $"Deleted pod: {pod.Metadata.Name}");
    }

    public static int? IndexOf(V1Pod pod) =>
        pod.Metadata.Annotations?.TryGetValue(CompletionIndexAnnotation, out var v) == true &&
        int.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out var i) ? i : null;

    private static TimeSpan? Min(TimeSpan? a, TimeSpan? b) => a is null ? b : b is null ? a : a < b ? a : b;
}

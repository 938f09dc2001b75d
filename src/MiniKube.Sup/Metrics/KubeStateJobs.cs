using k8s.Models;
using MiniKube.Sup.Spec;
using static MiniKube.Sup.Metrics.KubeStateMetrics;

namespace MiniKube.Sup.Metrics;

/// <summary>kube-state-metrics' Job and CronJob families.</summary>
public static class KubeStateJobs
{
    public static void Write(PrometheusTextWriter writer, IReadOnlyList<V1Job> jobs, IReadOnlyList<V1CronJob> cronJobs, Func<V1CronJob, DateTimeOffset?> nextSchedule)
    {
        static (string, string)[] J(V1Job j) => [.. Ns(j), ("job_name", j.Metadata.Name)];
        Families(writer, jobs,
            ("kube_job_info", "Information about job.", MetricType.Gauge, j => [(1, J(j))]),
            ("kube_job_created", "Unix creation timestamp", MetricType.Gauge, j => At(j.Metadata.CreationTimestamp, J(j))),
            ("kube_job_owner", "Information about the Job's owner.", MetricType.Gauge, j =>
            {
                var owner = j.Metadata.OwnerReferences?.FirstOrDefault(o => o.Controller == true);
                return [(1, [.. J(j), ("owner_kind", owner?.Kind ?? ""), ("owner_name", owner?.Name ?? ""), ("owner_is_controller", owner is null ? "" : "true")])];
            }),
            ("kube_job_spec_parallelism", "The maximum desired number of pods the job should run at any given time.", MetricType.Gauge, j => [(j.Spec?.Parallelism ?? 1, J(j))]),
            ("kube_job_spec_completions", "The desired number of successfully finished pods the job should be run with.", MetricType.Gauge, j =>
                j.Spec?.Completions is { } c ? One(c, J(j)) : None),
            ("kube_job_status_active", "The number of actively running pods.", MetricType.Gauge, j => [(j.Status?.Active ?? 0, J(j))]),
            ("kube_job_status_succeeded", "The number of pods which reached Phase Succeeded.", MetricType.Gauge, j => [(j.Status?.Succeeded ?? 0, J(j))]),
            ("kube_job_status_failed", "The number of pods which reached Phase Failed and the reason for failure.", MetricType.Gauge, j => [(j.Status?.Failed ?? 0, J(j))]),
            ("kube_job_status_start_time", "StartTime represents time when the job was acknowledged by the Job Manager.", MetricType.Gauge, j =>
                At(j.Status?.StartTime, J(j))),
            ("kube_job_status_completion_time", "CompletionTime represents time when the job was completed.", MetricType.Gauge, j =>
                At(j.Status?.CompletionTime, J(j))),
            ("kube_job_complete", "The job has completed its execution.", MetricType.Gauge, j =>
                JobConditions.Get(j.Status, JobConditions.Complete) is { } c ? Condition(J(j), c.Status) : None),
            ("kube_job_failed", "The job has failed its execution.", MetricType.Gauge, j =>
                JobConditions.Get(j.Status, JobConditions.Failed) is { } c ? Condition(J(j), c.Status) : []));

        static (string, string)[] C(V1CronJob c) => [.. Ns(c), ("cronjob", c.Metadata.Name)];
        Families(writer, cronJobs,
            ("kube_cronjob_info", "Info about cronjob.", MetricType.Gauge, c =>
                [(1, [.. C(c), ("schedule", c.Spec?.Schedule ?? ""), ("concurrency_policy", c.Spec?.ConcurrencyPolicy ?? "Allow"), ("timezone", c.Spec?.TimeZone ?? "local")])]),
            ("kube_cronjob_created", "Unix creation timestamp", MetricType.Gauge, c => At(c.Metadata.CreationTimestamp, C(c))),
            ("kube_cronjob_spec_suspend", "Suspend flag tells the controller to suspend subsequent executions.", MetricType.Gauge, c => [(c.Spec?.Suspend == true ? 1 : 0, C(c))]),
            ("kube_cronjob_status_active", "Active holds pointers to currently running jobs.", MetricType.Gauge, c => [(c.Status?.Active?.Count ?? 0, C(c))]),
            ("kube_cronjob_status_last_schedule_time", "LastScheduleTime keeps information of when was the last time the job was successfully scheduled.", MetricType.Gauge, c =>
                At(c.Status?.LastScheduleTime, C(c))),
            ("kube_cronjob_status_last_successful_time", "LastSuccessfulTime keeps information of when was the last time the job was completed successfully.", MetricType.Gauge, c =>
                At(c.Status?.LastSuccessfulTime, C(c))),
            ("kube_cronjob_next_schedule_time", "Next time the cronjob should be scheduled. The time after lastScheduleTime, or after the cron job's creation time if it's never been scheduled. Use this to determine if the job is delayed.", MetricType.Gauge, c =>
                c.Spec?.Suspend != true && nextSchedule(c) is { } next ? One(next.ToUnixTimeSeconds(), C(c)) : None));
    }
}

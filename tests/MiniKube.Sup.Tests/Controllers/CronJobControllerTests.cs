using k8s.Models;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using MiniKube.Sup.Controllers;
using MiniKube.Sup.Events;
using MiniKube.Sup.Store;
using MiniKube.Sup.Tests.Store;
using MiniKube.Sup.Tests.Events;

namespace MiniKube.Sup.Tests.Controllers;

public sealed class CronJobControllerTests : IDisposable
{
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 30, TimeSpan.Zero);
    private readonly FakeTimeProvider _time = new(Start);
    private readonly EventLog _events = new();
    private readonly TempDirectory _dir = new("sup-store-");
    private ObjectStore _repository;
    private CronJobController _controller;

    public CronJobControllerTests()
    {
        _repository = ObjectStore.Open(_dir.DatabasePath(), _time);
        _controller = NewController();
    }

    public void Dispose()
    {
        _repository.Dispose();
        _dir.Dispose();
    }

    private CronJobController NewController() =>
        new(new ControllerContext(_repository, new FakePodControl(_time), _time, _events, new StatePaths(_dir.Path), NullLogger.Instance));

    /// <summary>A new daemon on the same state dir: the store reopened, a new controller.</summary>
    private void Restart()
    {
        _repository.Dispose();
        _repository = ObjectStore.Open(_dir.DatabasePath(), _time);
        _controller = NewController();
    }

    private V1CronJob Apply(string schedule = "* * * * *", string? policy = null, bool? suspend = null, long? startingDeadline = null,
        string? timeZone = "Etc/UTC", int? successfulHistory = null, string uid = "cj-uid")
    {
        var cj = new V1CronJob
        {
            ApiVersion = "batch/v1",
            Kind = "CronJob",
            Metadata = new V1ObjectMeta { Name = "report", Uid = uid, CreationTimestamp = _time.GetUtcNow().UtcDateTime },
            Spec = new V1CronJobSpec
            {
                Schedule = schedule,
                TimeZone = timeZone,
                ConcurrencyPolicy = policy ?? "Allow",
                Suspend = suspend,
                StartingDeadlineSeconds = startingDeadline,
                SuccessfulJobsHistoryLimit = successfulHistory ?? 3,
                FailedJobsHistoryLimit = 1,
                JobTemplate = new V1JobTemplateSpec
                {
                    Metadata = new V1ObjectMeta { Labels = new Dictionary<string, string> { ["app"] = "report" } },
                    Spec = new V1JobSpec
                    {
                        Template = new V1PodTemplateSpec
                        {
                            Spec = new V1PodSpec { RestartPolicy = "Never", Containers = [new V1Container { Name = "run", Command = ["true"] }] },
                        },
                    },
                },
            },
        };
        _repository.Put(cj);
        return cj;
    }

    private Task Reconcile() => _controller.ReconcileAsync("report", CancellationToken.None);

    private List<V1Job> Jobs() => _repository.List("Job").Select(e => (V1Job)e.Object).ToList();

    private static string JobName(string tick) => CronJobController.JobName("report", DateTimeOffset.Parse(tick, System.Globalization.CultureInfo.InvariantCulture));

    private void Advance(string to) => _time.SetUtcNow(DateTimeOffset.Parse(to, System.Globalization.CultureInfo.InvariantCulture));

    private void Finish(V1Job job, string condition = "Complete")
    {
        var copy = PodTemplates.Clone(job);
        copy.Status = new V1JobStatus
        {
            StartTime = job.Metadata.CreationTimestamp,
            CompletionTime = condition == "Complete" ? _time.GetUtcNow().UtcDateTime : null,
            Conditions = [new V1JobCondition { Type = condition, Status = "True" }],
        };
        _repository.UpdateStatus(copy);
    }

    [Fact]
    public async Task Each_ticks_job_records_how_late_it_was_created_against_the_schedule()
    {
        var metrics = new MiniKube.Sup.Metrics.SupMetrics();
        _controller = new CronJobController(new ControllerContext(_repository, new FakePodControl(_time), _time, _events, new StatePaths(_dir.Path), NullLogger.Instance) { Metrics = metrics });
        Apply();
        await Reconcile();
        Advance("2026-01-01T00:01:02.5Z"); // the daemon was busy: 2.5 s late
        await Reconcile();
        await Reconcile(); // the tick's Job exists: nothing new to record

        var lateness = metrics.CronJobLateness.Snapshot("default", "report")!;
        Assert.Equal(1, lateness.Counts.Sum());
        Assert.Equal(2.5, lateness.Sum, 3);
    }

    [Fact]
    public async Task Sleeps_until_the_next_tick_and_creates_the_job_named_after_its_unix_minute()
    {
        Apply();
        await Reconcile();
        Assert.Empty(Jobs());
        Assert.Equal(new DateTimeOffset(2026, 1, 1, 0, 1, 0, TimeSpan.Zero).AddMilliseconds(1), _controller.NextWake("report"));

        Advance("2026-01-01T00:01:00.001Z");
        await Reconcile();
        var job = Assert.Single(Jobs());
        Assert.Equal(JobName("2026-01-01T00:01:00Z"), job.Metadata.Name);
        Assert.Equal($"report-{new DateTimeOffset(2026, 1, 1, 0, 1, 0, TimeSpan.Zero).ToUnixTimeSeconds() / 60}", job.Metadata.Name);
        Assert.Equal("report", job.Metadata.Labels["app"]);
        Assert.Equal("2026-01-01T00:01:00+00:00", job.Metadata.Annotations[CronJobController.ScheduledTimestampAnnotation]);
        var owner = Assert.Single(job.Metadata.OwnerReferences);
        Assert.Equal(("CronJob", "report", "cj-uid", true), (owner.Kind, owner.Name, owner.Uid, owner.Controller ?? false));
        Assert.Equal(6, job.Spec.BackoffLimit); // Job defaults applied
        Restart();
        Assert.NotNull(_repository.Get("Job", job.Metadata.Name)); // survives a restart
        var status = ((V1CronJob)_repository.Get("CronJob", "report")!.Object).Status;
        Assert.Equal(new DateTime(2026, 1, 1, 0, 1, 0, DateTimeKind.Utc), status.LastScheduleTime);
        Assert.Equal(job.Metadata.Name, Assert.Single(status.Active).Name);
        Assert.Contains(_events.Snapshot(), e => e.Reason == "SuccessfulCreate" && e.Message == $"Created job {job.Metadata.Name}");

        await Reconcile(); // the same tick never runs twice
        Assert.Single(Jobs());
    }

    [Theory]
    [InlineData("Allow", 2, 0)]
    [InlineData("Forbid", 1, 0)]
    [InlineData("Replace", 1, 1)]
    public async Task Concurrency_policy_with_a_job_still_running_at_the_next_tick(string policy, int jobs, int deleted)
    {
        Apply(policy: policy);
        Advance("2026-01-01T00:01:00.001Z");
        await Reconcile();
        Advance("2026-01-01T00:02:00.001Z");
        await Reconcile();
        Assert.Equal(jobs, Jobs().Count);
        Assert.Equal(deleted, _events.Snapshot().Count(e => e.Reason == "SuccessfulDelete"));
        if (policy == "Forbid")
        {
            Assert.Contains(_events.Snapshot(), e => e.Reason == "JobAlreadyActive");
            // When the running Job finishes, the tick it held back runs at once (lastScheduleTime was not advanced).
            Advance("2026-01-01T00:02:20Z");
            Finish(Jobs()[0]);
            await Reconcile();
            Assert.Contains(Jobs(), j => j.Metadata.Name == JobName("2026-01-01T00:02:00Z"));
        }
        if (policy == "Replace") Assert.Equal(JobName("2026-01-01T00:02:00Z"), Assert.Single(Jobs()).Metadata.Name);
    }

    [Fact]
    public async Task Suspended_creates_nothing_and_unsuspending_runs_only_the_latest_missed_tick()
    {
        var cj = Apply(suspend: true);
        Advance("2026-01-01T00:05:10Z");
        await Reconcile();
        Assert.Empty(Jobs());
        Assert.Null(_controller.NextWake("report"));
        cj.Spec.Suspend = false;
        _repository.Put(cj);
        await Reconcile();
        Assert.Equal(JobName("2026-01-01T00:05:00Z"), Assert.Single(Jobs()).Metadata.Name);
    }

    [Fact]
    public async Task A_tick_older_than_startingDeadlineSeconds_is_skipped()
    {
        Apply(startingDeadline: 30);
        Advance("2026-01-01T00:05:40Z"); // the 00:05 tick is 40 s old
        await Reconcile();
        Assert.Empty(Jobs());
        Advance("2026-01-01T00:06:00.001Z");
        await Reconcile();
        Assert.Equal(JobName("2026-01-01T00:06:00Z"), Assert.Single(Jobs()).Metadata.Name);
    }

    [Fact]
    public async Task After_downtime_exactly_one_catch_up_run_of_the_latest_missed_tick()
    {
        Apply();
        Advance("2026-01-01T00:01:00.001Z");
        await Reconcile();
        var before = Assert.Single(Jobs());

        // The daemon stops across four ticks; a new one opens the same store (uids and statuses kept).
        Advance("2026-01-01T00:05:30Z");
        Restart();
        Assert.Equal(new DateTime(2026, 1, 1, 0, 1, 0, DateTimeKind.Utc), _repository.Read<V1CronJob>("CronJob", "report")!.Status.LastScheduleTime);
        Apply();
        await Reconcile();
        await Reconcile();
        var jobs = Jobs().Select(j => j.Metadata.Name).Order().ToList();
        Assert.Equal([before.Metadata.Name, JobName("2026-01-01T00:05:00Z")], jobs);
        Assert.All(Jobs(), j => Assert.Equal("cj-uid", j.Metadata.OwnerReferences[0].Uid));
        Assert.DoesNotContain(_events.Snapshot(), e => e.Reason == "TooManyMissedTimes");
    }

    [Fact]
    public async Task More_than_100_missed_ticks_warn_TooManyMissedTimes_and_still_run_the_latest()
    {
        Apply();
        Advance("2026-01-01T03:00:10Z");
        await Reconcile();
        Assert.Contains(_events.Snapshot(), e => e.Type == SupEvent.Warning && e.Reason == "TooManyMissedTimes"
            && e.Message == "too many missed start times: 180. Set or decrease .spec.startingDeadlineSeconds or check clock skew");
        Assert.Equal(JobName("2026-01-01T03:00:00Z"), Assert.Single(Jobs()).Metadata.Name);
    }

    [Fact]
    public async Task Finished_jobs_beyond_the_history_limit_are_deleted_oldest_first()
    {
        Apply(successfulHistory: 1);
        foreach (var minute in new[] { 1, 2, 3 })
        {
            Advance($"2026-01-01T00:0{minute}:00.001Z");
            await Reconcile();
            Finish(Jobs().Single(j => j.Metadata.Name == JobName($"2026-01-01T00:0{minute}:00Z")));
            await Reconcile();
        }
        Assert.Equal(JobName("2026-01-01T00:03:00Z"), Assert.Single(Jobs()).Metadata.Name);
        Assert.Null(_repository.Get("Job", JobName("2026-01-01T00:01:00Z")));
        Assert.NotNull(((V1CronJob)_repository.Get("CronJob", "report")!.Object).Status.LastSuccessfulTime);
    }

    [Fact]
    public async Task An_unknown_time_zone_is_an_UnknownTimeZone_event_and_no_runs()
    {
        Apply(timeZone: "Mars/Olympus_Mons");
        Advance("2026-01-01T00:05:00.001Z");
        await Reconcile();
        Assert.Empty(Jobs());
        Assert.Contains(_events.Snapshot(), e => e.Type == SupEvent.Warning && e.Reason == "UnknownTimeZone");
        Assert.Null(_controller.NextWake("report"));
    }

    [Fact]
    public async Task The_schedule_is_read_in_its_time_zone()
    {
        Apply(schedule: "0 9 * * *", timeZone: "Europe/Berlin");
        await Reconcile();
        Assert.Equal(new DateTimeOffset(2026, 1, 1, 8, 0, 0, TimeSpan.Zero).AddMilliseconds(1), _controller.NextWake("report"));
        Advance("2026-01-01T08:00:00.001Z");
        await Reconcile();
        var job = Assert.Single(Jobs());
        Assert.Equal("2026-01-01T09:00:00+01:00", job.Metadata.Annotations[CronJobController.ScheduledTimestampAnnotation]);
    }
}

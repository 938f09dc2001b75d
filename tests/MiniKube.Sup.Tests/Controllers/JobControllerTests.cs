using k8s.Models;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using MiniKube.Sup.Controllers;
using MiniKube.Sup.Events;
using MiniKube.Sup.Spec;
using MiniKube.Sup.Store;
using MiniKube.Sup.Tests.Store;
using MiniKube.Sup.Tests.Events;

namespace MiniKube.Sup.Tests.Controllers;

public sealed class JobControllerTests : IDisposable
{
    private readonly FakeTimeProvider _time = TestClock.Create();
    private readonly EventLog _events = new();
    private readonly TempDirectory _dir = new("sup-store-");
    private ObjectStore _repository;
    private FakePodControl _pods;
    private JobController _controller;

    public JobControllerTests()
    {
        _pods = new FakePodControl(_time);
        _repository = ObjectStore.Open(_dir.DatabasePath(), _time);
        _controller = NewController();
    }

    public void Dispose()
    {
        _repository.Dispose();
        _dir.Dispose();
    }

    private JobController NewController() =>
        new(new ControllerContext(_repository, _pods, _time, _events, new StatePaths(_dir.Path), NullLogger.Instance), JobBackoffPolicy.Kubernetes);

    /// <summary>A new daemon on the same state dir: the store reopened, no pod running, a new controller.</summary>
    private void Restart()
    {
        _repository.Dispose();
        _repository = ObjectStore.Open(_dir.DatabasePath(), _time);
        _pods = new FakePodControl(_time);
        _controller = NewController();
    }

    private V1Job Apply(string restartPolicy = "Never", int? backoffLimit = null, int? completions = null, int? parallelism = null,
        string? mode = null, long? deadline = null, bool? suspend = null, int? ttl = null, V1PodFailurePolicy? failurePolicy = null)
    {
        var job = new V1Job
        {
            ApiVersion = "batch/v1",
            Kind = "Job",
            Metadata = new V1ObjectMeta { Name = "etl", Uid = "job-uid", CreationTimestamp = _time.GetUtcNow().UtcDateTime },
            Spec = new V1JobSpec
            {
                BackoffLimit = backoffLimit,
                Completions = completions,
                Parallelism = parallelism,
                CompletionMode = mode,
                ActiveDeadlineSeconds = deadline,
                Suspend = suspend,
                TtlSecondsAfterFinished = ttl,
                PodFailurePolicy = failurePolicy,
                Template = new V1PodTemplateSpec
                {
                    Spec = new V1PodSpec
                    {
                        RestartPolicy = restartPolicy,
                        InitContainers = [new V1Container { Name = "extract", Command = ["true"] }],
                        Containers = [new V1Container { Name = "load", Command = ["true"] }],
                    },
                },
            },
        };
        ManifestDefaults.ApplyJobSpec(job.Spec);
        _repository.Put(job);
        return job;
    }

    private Task<TimeSpan?> Reconcile(JobController? controller = null) => (controller ?? _controller).ReconcileAsync("etl", CancellationToken.None);

    private V1JobStatus Status() => ((V1Job)_repository.Get("Job", "etl")!.Object).Status;

    private List<V1Pod> Active() => _pods.List().Where(PodState.IsActive).OrderBy(p => p.Metadata.CreationTimestamp).ToList();

    /// <summary>The pod ends as the pod worker would publish it: its last container terminated with this exit code.</summary>
    private void Finish(V1Pod pod, int exitCode, string container = "load")
    {
        var at = _time.GetUtcNow().UtcDateTime;
        pod.Status = new V1PodStatus
        {
            Phase = exitCode == 0 ? "Succeeded" : "Failed",
            ContainerStatuses =
            [
                new V1ContainerStatus
                {
                    Name = container,
                    State = new V1ContainerState { Terminated = new V1ContainerStateTerminated { ExitCode = exitCode, FinishedAt = at, Reason = exitCode == 0 ? "Completed" : "Error" } },
                },
            ],
        };
    }

    private static void Restarted(V1Pod pod, int restarts) => pod.Status = new V1PodStatus
    {
        Phase = "Running",
        InitContainerStatuses = [new V1ContainerStatus { Name = "extract", RestartCount = restarts }],
    };

    private bool HasCondition(string type, string reason) => Status().Conditions?.Any(c => c.Type == type && c.Status == "True" && c.Reason == reason) == true;

    [Fact]
    public async Task One_pod_with_the_job_labels_runs_and_the_job_completes_when_it_succeeds()
    {
        Apply();
        await Reconcile();
        await Reconcile();
        var pod = Assert.Single(_pods.List());
        Assert.Matches("^etl-[bcdfghjklmnpqrstvwxz2456789]{5}$", pod.Metadata.Name);
        Assert.Equal("etl", pod.Metadata.Labels[JobController.JobNameLabel]);
        Assert.Equal("job-uid", pod.Metadata.Labels[JobController.ControllerUidLabel]);
        Assert.Equal((1, _time.GetUtcNow().UtcDateTime), (Status().Active ?? 0, Status().StartTime!.Value));

        _time.Advance(TimeSpan.FromSeconds(5));
        Finish(pod, 0);
        Assert.Null(await Reconcile());
        Assert.True(HasCondition(JobConditions.SuccessCriteriaMet, "CompletionsReached"));
        Assert.True(HasCondition(JobConditions.Complete, "CompletionsReached"));
        Assert.Equal((1, 0, _time.GetUtcNow().UtcDateTime), (Status().Succeeded ?? 0, Status().Active ?? 0, Status().CompletionTime!.Value));
        Assert.Contains(_events.Snapshot(), e => e.Reason == "Completed" && e.Message == "Job completed");
        await Reconcile();
        Assert.Single(_pods.List()); // a finished Job never runs again
    }

    [Fact]
    public async Task A_finished_job_records_its_duration_once_under_its_condition()
    {
        var metrics = new MiniKube.Sup.Metrics.SupMetrics();
        var controller = new JobController(new ControllerContext(_repository, _pods, _time, _events, new StatePaths(_dir.Path), NullLogger.Instance) { Metrics = metrics },
            JobBackoffPolicy.Kubernetes);
        Apply();
        await Reconcile(controller);
        await Reconcile(controller);
        _time.Advance(TimeSpan.FromSeconds(7));
        Finish(Assert.Single(_pods.List()), 0);
        await Reconcile(controller);
        await Reconcile(controller); // already finished: not counted again

        var observed = metrics.JobDuration.Snapshot("default", JobConditions.Complete)!;
        Assert.Equal(1, observed.Counts.Sum());
        Assert.Equal(7, observed.Sum);
        Assert.Null(metrics.JobDuration.Snapshot("default", JobConditions.Failed));
    }

    [Theory]
    [InlineData(0, 1)]
    [InlineData(2, 3)]
    [InlineData(6, 7)]
    public async Task Never_fails_with_BackoffLimitExceeded_after_exactly_backoffLimit_plus_one_attempts(int backoffLimit, int attempts)
    {
        Apply(backoffLimit: backoffLimit);
        for (var attempt = 1; ; attempt++)
        {
            var again = await Reconcile();
            if (JobConditions.IsFinished(Status())) break;
            if (Active().Count == 0)
            {
                Assert.NotNull(again); // waiting out the pod-failure backoff
                _time.Advance(again!.Value);
                await Reconcile();
            }
            Finish(Assert.Single(Active()), 1);
            Assert.True(attempt <= attempts, "more attempts than backoffLimit + 1");
        }
        Assert.Equal(attempts, _pods.Created.Count);
        Assert.Equal(attempts, Status().Failed);
        Assert.True(HasCondition(JobConditions.FailureTarget, "BackoffLimitExceeded"));
        var failed = Assert.Single(Status().Conditions, c => c.Type == "Failed");
        Assert.Equal(("True", "BackoffLimitExceeded", "Job has reached the specified backoff limit"), (failed.Status, failed.Reason, failed.Message));
        Assert.Null(Status().CompletionTime);
        Assert.Contains(_events.Snapshot(), e => e.Type == SupEvent.Warning && e.Reason == "BackoffLimitExceeded");
    }

    [Fact]
    public async Task A_failed_pod_is_replaced_after_10s_then_20s_then_40s_from_its_finish_time()
    {
        Apply(backoffLimit: 6);
        await Reconcile();
        var delays = new List<TimeSpan?>();
        for (var i = 0; i < 3; i++)
        {
            Finish(Assert.Single(Active()), 1);
            _time.Advance(TimeSpan.FromSeconds(1)); // the controller looks a second after the failure
            delays.Add(await Reconcile());
            Assert.Empty(Active());
            _time.Advance(delays[^1]!.Value);
            await Reconcile();
        }
        Assert.Equal([TimeSpan.FromSeconds(9), TimeSpan.FromSeconds(19), TimeSpan.FromSeconds(39)], delays);
    }

    [Theory]
    [InlineData(1, 10)]
    [InlineData(2, 20)]
    [InlineData(3, 40)]
    [InlineData(6, 320)]
    [InlineData(7, 360)]
    [InlineData(20, 360)]
    public void Pod_failure_backoff_doubles_from_10s_and_is_capped_at_6_minutes(int failures, int seconds) =>
        Assert.Equal(TimeSpan.FromSeconds(seconds), JobBackoffPolicy.Kubernetes.Delay(failures));

    [Fact]
    public void Pod_failure_backoff_of_zero_means_no_delay() =>
        Assert.Equal(TimeSpan.Zero, new JobBackoffPolicy(TimeSpan.Zero, TimeSpan.FromMinutes(6)).Delay(5));

    [Theory]
    [InlineData(0, 1, true)]
    [InlineData(3, 2, false)]
    [InlineData(3, 3, true)]
    public async Task OnFailure_fails_when_the_summed_restarts_reach_backoffLimit_and_the_pod_is_terminated(int backoffLimit, int restarts, bool fails)
    {
        Apply(restartPolicy: "OnFailure", backoffLimit: backoffLimit);
        await Reconcile();
        var pod = Assert.Single(Active());
        Restarted(pod, restarts);
        await Reconcile();
        Assert.Equal(fails, HasCondition(JobConditions.FailureTarget, "BackoffLimitExceeded"));
        Assert.Equal(fails, _pods.Deleted.Contains(pod.Metadata.Name));
        if (!fails) return;
        Assert.False(HasCondition(JobConditions.Failed, "BackoffLimitExceeded")); // not before the pod is gone
        _pods.Finish(pod.Metadata.Name);
        await Reconcile();
        Assert.True(HasCondition(JobConditions.Failed, "BackoffLimitExceeded"));
        Assert.Single(_pods.Created);
    }

    [Fact]
    public async Task Active_deadline_kills_the_running_pod_and_fails_the_job_without_retry()
    {
        Apply(deadline: 30, backoffLimit: 6);
        Assert.Equal(TimeSpan.FromSeconds(30), await Reconcile());
        var pod = Assert.Single(Active());
        _time.Advance(TimeSpan.FromSeconds(30));
        await Reconcile();
        Assert.Contains(pod.Metadata.Name, _pods.Deleted);
        _pods.Finish(pod.Metadata.Name);
        await Reconcile();
        var failed = Assert.Single(Status().Conditions, c => c.Type == "Failed");
        Assert.Equal(("DeadlineExceeded", "Job was active longer than specified deadline"), (failed.Reason, failed.Message));
        Assert.Single(_pods.Created);
    }

    [Theory]
    // backoffLimit exceeded and deadline passed at the same look: the backoff limit is evaluated first (k8s syncJob order).
    [InlineData(0, 10, 10, "BackoffLimitExceeded")]
    // the deadline passes while the replacement waits out its backoff: no new pod, DeadlineExceeded.
    [InlineData(3, 15, 15, "DeadlineExceeded")]
    // the backoff ends before the deadline: a new pod runs.
    [InlineData(3, 60, 11, null)]
    public async Task Deadline_and_backoff_limit_precedence(int backoffLimit, long deadline, int advanceAfterFailure, string? reason)
    {
        Apply(backoffLimit: backoffLimit, deadline: deadline);
        await Reconcile();
        Finish(Assert.Single(Active()), 1);
        _time.Advance(TimeSpan.FromSeconds(advanceAfterFailure));
        await Reconcile();
        if (reason is null)
        {
            Assert.Equal(2, _pods.Created.Count);
            Assert.False(JobConditions.IsFinished(Status()));
            return;
        }
        Assert.True(HasCondition(JobConditions.Failed, reason));
        Assert.Single(_pods.Created);
    }

    [Fact]
    public async Task Pod_failure_policy_FailJob_fails_the_job_at_once_with_the_matching_rule()
    {
        Apply(backoffLimit: 6, failurePolicy: new V1PodFailurePolicy
        {
            Rules =
            [
                new V1PodFailurePolicyRule { Action = "Ignore", OnExitCodes = new V1PodFailurePolicyOnExitCodesRequirement { OperatorProperty = "In", Values = [143] } },
                new V1PodFailurePolicyRule { Action = "FailJob", OnExitCodes = new V1PodFailurePolicyOnExitCodesRequirement { ContainerName = "load", OperatorProperty = "In", Values = [42] } },
            ],
        });
        await Reconcile();
        var pod = Assert.Single(Active());
        Finish(pod, 42);
        await Reconcile();
        var failed = Assert.Single(Status().Conditions, c => c.Type == "Failed");
        Assert.Equal("PodFailurePolicy", failed.Reason);
        Assert.Equal($"Container load for pod default/{pod.Metadata.Name} failed with exit code 42 matching FailJob rule at index 1", failed.Message);
        Assert.Single(_pods.Created);
    }

    [Fact]
    public async Task Pod_failure_policy_Ignore_does_not_count_the_failure_and_replaces_the_pod_without_backoff()
    {
        Apply(backoffLimit: 0, failurePolicy: new V1PodFailurePolicy
        {
            Rules = [new V1PodFailurePolicyRule { Action = "Ignore", OnExitCodes = new V1PodFailurePolicyOnExitCodesRequirement { OperatorProperty = "In", Values = [143] } }],
        });
        await Reconcile();
        Finish(Assert.Single(Active()), 143);
        await Reconcile();
        Assert.Null(Status().Failed);
        Assert.Equal(2, _pods.Created.Count);
        Finish(Assert.Single(Active()), 1); // Count (no rule matches): backoffLimit 0 allows one counted failure only
        await Reconcile();
        Assert.True(HasCondition(JobConditions.Failed, "BackoffLimitExceeded"));
    }

    [Fact]
    public async Task Completions_and_parallelism_run_at_most_parallelism_pods_until_enough_succeeded()
    {
        Apply(completions: 3, parallelism: 2);
        await Reconcile();
        Assert.Equal(2, Active().Count);
        Finish(Active()[0], 0);
        await Reconcile();
        Assert.Equal(2, Active().Count); // 3 − 1 succeeded = 2 still wanted
        Finish(Active()[0], 0);
        await Reconcile();
        Assert.Single(Active()); // only one more is needed
        Finish(Active()[0], 0);
        await Reconcile();
        Assert.Equal(3, Status().Succeeded);
        Assert.True(HasCondition(JobConditions.Complete, "CompletionsReached"));
        Assert.Equal(3, _pods.Created.Count);
    }

    [Fact]
    public async Task Indexed_job_runs_the_lowest_pending_indexes_with_JOB_COMPLETION_INDEX_and_reports_completed_indexes()
    {
        Apply(completions: 3, parallelism: 2, mode: "Indexed");
        await Reconcile();
        var pods = Active();
        Assert.Equal([0, 1], pods.Select(JobController.IndexOf).Select(i => i!.Value).Order());
        foreach (var pod in pods)
        {
            var index = JobController.IndexOf(pod)!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
            Assert.Matches($"^etl-{index}-[a-z0-9]{{5}}$", pod.Metadata.Name);
            Assert.All(pod.Spec.InitContainers.Concat(pod.Spec.Containers), c => Assert.Contains(c.Env, e => e.Name == "JOB_COMPLETION_INDEX" && e.Value == index));
            Assert.Equal(index, pod.Metadata.Annotations["batch.kubernetes.io/job-completion-index"]);
        }
        Finish(pods.Single(p => JobController.IndexOf(p) == 1), 0);
        await Reconcile();
        Assert.Equal("1", Status().CompletedIndexes);
        Assert.Equal([0, 2], Active().Select(JobController.IndexOf).Select(i => i!.Value).Order());
        foreach (var pod in Active()) Finish(pod, 0);
        await Reconcile();
        Assert.Equal(("0-2", 3), (Status().CompletedIndexes, Status().Succeeded ?? 0));
        Assert.True(HasCondition(JobConditions.Complete, "CompletionsReached"));
    }

    [Fact]
    public async Task Suspend_deletes_the_active_pods_and_resume_resets_the_start_time()
    {
        var job = Apply(deadline: 100);
        await Reconcile();
        var pod = Assert.Single(Active());
        _time.Advance(TimeSpan.FromSeconds(60));
        job.Spec.Suspend = true;
        _repository.Put(job);
        Assert.Null(await Reconcile()); // no deadline while suspended
        Assert.Contains(pod.Metadata.Name, _pods.Deleted);
        Assert.True(HasCondition(JobConditions.Suspended, "JobSuspended"));
        _pods.Finish(pod.Metadata.Name);
        Assert.Null(Status().Failed);

        _time.Advance(TimeSpan.FromSeconds(300));
        job.Spec.Suspend = false;
        _repository.Put(job);
        Assert.Equal(TimeSpan.FromSeconds(100), await Reconcile());
        var suspended = Assert.Single(Status().Conditions, c => c.Type == "Suspended");
        Assert.Equal(("False", "JobResumed"), (suspended.Status, suspended.Reason));
        Assert.Equal(_time.GetUtcNow().UtcDateTime, Status().StartTime);
        Assert.Single(Active());
    }

    [Fact]
    public async Task A_finished_job_is_deleted_ttlSecondsAfterFinished_later()
    {
        Apply(ttl: 60);
        await Reconcile();
        Finish(Assert.Single(Active()), 0);
        Assert.Equal(TimeSpan.FromSeconds(60), await Reconcile());
        _time.Advance(TimeSpan.FromSeconds(60));
        await Reconcile();
        Assert.Null(_repository.Get("Job", "etl"));
    }

    [Fact]
    public async Task Status_survives_a_daemon_restart_and_a_completed_job_does_not_run_again()
    {
        Apply();
        await Reconcile();
        Finish(Assert.Single(Active()), 0);
        await Reconcile();

        Restart();
        Apply(); // the files are applied again at start: the status stays
        await Reconcile();
        Assert.Empty(_pods.Created);
        Assert.True(JobConditions.IsTrue(Status(), JobConditions.Complete));
        Assert.Equal(1, Status().Succeeded);
    }

    [Fact]
    public async Task A_pod_lost_with_a_restart_is_run_again_and_neither_counted_succeeded_nor_failed()
    {
        Apply(completions: 2, parallelism: 1);
        await Reconcile();
        Finish(Assert.Single(Active()), 0);
        await Reconcile(); // 1 of 2 succeeded, the second pod runs when the daemon dies

        Restart();
        Apply(completions: 2, parallelism: 1);
        await Reconcile();
        Assert.Single(_pods.Created);
        Assert.Equal((1, (int?)null), (Status().Succeeded ?? 0, Status().Failed));
    }

    [Fact]
    public async Task A_reconcile_of_a_deleted_job_brings_nothing_back()
    {
        Apply();
        await Reconcile();
        _repository.Drop("Job", "etl");
        await Reconcile();
        Assert.Null(_repository.Get("Job", "etl"));
        Restart();
        Assert.Null(_repository.Get("Job", "etl"));
    }
}

using System.Collections.Concurrent;
using k8s.Models;
using Microsoft.Extensions.Time.Testing;
using MiniKube.Sup.Probes;
using MiniKube.Sup.Tests.Pods;
using static MiniKube.Sup.Testing.Poll;

namespace MiniKube.Sup.Tests.Probes;

public sealed class ProbeWorkerTests : IDisposable
{
    private readonly FakeTimeProvider _time = TestClock.Create();
    private readonly ScriptedProber _prober = new();
    private readonly ConcurrentQueue<ProbeResult> _reports = new();
    private readonly ConcurrentQueue<(string Type, string Reason, string Message)> _events = new();
    private readonly CancellationTokenSource _stop = new();
    private volatile bool _started = true;
    private Task? _run;

    public void Dispose()
    {
        _stop.Cancel();
        _run?.Wait(TimeSpan.FromSeconds(5));
    }

    private static readonly ProbeOutcome Fail = ProbeOutcome.Failure("boom");
    private static readonly ProbeOutcome Ok = ProbeOutcome.Success();

    private ProbePurpose Purpose(ProbeType type) => type switch
    {
        ProbeType.Liveness => ProbePurpose.Liveness,
        ProbeType.Readiness => ProbePurpose.Readiness,
        _ => ProbePurpose.Startup,
    };

    private ProbeWorker Start(ProbeType type, int failureThreshold = 3, int successThreshold = 1, int initialDelay = 0, int timeout = 1)
    {
        var spec = new V1Probe
        {
            Exec = new V1ExecAction { Command = ["true"] },
            PeriodSeconds = 1,
            TimeoutSeconds = timeout,
            FailureThreshold = failureThreshold,
            SuccessThreshold = successThreshold,
            InitialDelaySeconds = initialDelay,
        };
        var target = new ProbeTarget("p", "127.0.1.1", new V1Container { Name = "app" }, new FakeContainerRuntime().StartOne());
        var worker = new ProbeWorker(type, spec, target, _prober, _time, () => _started, (r, _) => _reports.Enqueue(r),
            (t, reason, message) => _events.Enqueue((t, reason, message)));
        _run = Task.Run(() => worker.RunAsync(_stop.Token));
        return worker;
    }

    /// <summary>Waits for attempt number <paramref name="n"/> to have run, and for the worker to wait for its next tick.</summary>
    private async Task Attempt(ProbeType type, int n)
    {
        await Until(() => _prober.Count("app", Purpose(type)) >= n, $"attempt {n}");
        await Task.Delay(20); // let the worker count the result and arm its next tick
    }

    private async Task Tick(ProbeType type, int expectedAttempt)
    {
        _time.Advance(TimeSpan.FromSeconds(1));
        await Attempt(type, expectedAttempt);
    }

    [Fact]
    public void Initial_results_are_readiness_failure_liveness_success_startup_unknown()
    {
        Assert.Equal(ProbeResult.Failure, ProbeWorker.InitialResult(ProbeType.Readiness));
        Assert.Equal(ProbeResult.Success, ProbeWorker.InitialResult(ProbeType.Liveness));
        Assert.Equal(ProbeResult.Unknown, ProbeWorker.InitialResult(ProbeType.Startup));
    }

    [Fact]
    public async Task Liveness_failure_is_reported_only_after_failureThreshold_consecutive_failures()
    {
        _prober.Then("app", ProbePurpose.Liveness, Fail, Fail, Ok, Fail, Fail, Fail);
        Start(ProbeType.Liveness, failureThreshold: 3);
        await Attempt(ProbeType.Liveness, 1);
        for (var n = 2; n <= 5; n++) await Tick(ProbeType.Liveness, n);
        Assert.Empty(_reports); // two failures, a success, two failures: never three in a row
        await Tick(ProbeType.Liveness, 6);
        await Until(() => _reports.Count == 1, "the failure report");
        Assert.Equal(ProbeResult.Failure, _reports.Single());
        Assert.Equal(5, _events.Count(e => e is ("Warning", "Unhealthy", "Liveness probe failed: boom")));
    }

    [Fact]
    public async Task Liveness_worker_holds_after_reporting_a_failure()
    {
        _prober.Always("app", ProbePurpose.Liveness, Fail);
        Start(ProbeType.Liveness, failureThreshold: 1);
        await Until(() => _reports.Count == 1, "failure");
        for (var i = 0; i < 5; i++)
        {
            _time.Advance(TimeSpan.FromSeconds(1));
            await Task.Delay(10);
        }
        Assert.Equal(1, _prober.Count("app", ProbePurpose.Liveness));
        await _run!.WaitAsync(TimeSpan.FromSeconds(5)); // the worker ended: a new instance gets a new one
    }

    [Fact]
    public async Task Readiness_needs_successThreshold_consecutive_successes_and_keeps_probing_after_a_failure()
    {
        _prober.Then("app", ProbePurpose.Readiness, Ok, Fail, Ok, Ok, Fail);
        Start(ProbeType.Readiness, failureThreshold: 1, successThreshold: 2);
        await Attempt(ProbeType.Readiness, 1);
        await Tick(ProbeType.Readiness, 2);
        await Tick(ProbeType.Readiness, 3);
        Assert.Empty(_reports); // starts as Failure; a lone success does not change it
        await Tick(ProbeType.Readiness, 4);
        await Until(() => _reports.Count == 1, "ready");
        await Tick(ProbeType.Readiness, 5);
        await Until(() => _reports.Count == 2, "unready");
        Assert.Equal([ProbeResult.Success, ProbeResult.Failure], _reports.ToArray());
        await Tick(ProbeType.Readiness, 6); // readiness never holds
    }

    [Fact]
    public async Task No_probe_runs_before_initialDelaySeconds()
    {
        Start(ProbeType.Liveness, initialDelay: 5);
        await Task.Delay(30);
        _time.Advance(TimeSpan.FromSeconds(4.9));
        await Task.Delay(30);
        Assert.Equal(0, _prober.Count("app", ProbePurpose.Liveness));
        _time.Advance(TimeSpan.FromSeconds(0.1));
        await Attempt(ProbeType.Liveness, 1);
    }

    [Fact]
    public async Task An_attempt_that_outlives_its_timeout_is_a_failure()
    {
        _prober.Hang("app", ProbePurpose.Liveness);
        Start(ProbeType.Liveness, failureThreshold: 1, timeout: 3);
        await Attempt(ProbeType.Liveness, 1);
        _time.Advance(TimeSpan.FromSeconds(3.9));
        await Task.Delay(30);
        Assert.Empty(_reports);
        _time.Advance(TimeSpan.FromSeconds(0.2));
        await Until(() => _reports.Count == 1, "timeout failure");
        Assert.Equal(ProbeResult.Failure, _reports.Single());
        await Until(() => _prober.Log.Any(l => l.Event == "cancelled"), "the hung attempt told to stop");
        Assert.Contains(_events, e => e.Reason == "Unhealthy" && e.Message.StartsWith("Liveness probe failed: probe did not finish within its timeout"));
    }

    [Fact]
    public async Task Probe_errors_are_discarded_and_do_not_break_a_run_of_failures()
    {
        _prober.Then("app", ProbePurpose.Liveness, Fail,
            ProbeOutcome.Error("couldn't find port"), ProbeOutcome.Error("couldn't find port"), ProbeOutcome.Error("couldn't find port"), Fail);
        Start(ProbeType.Liveness, failureThreshold: 2);
        await Attempt(ProbeType.Liveness, 1);
        await Tick(ProbeType.Liveness, 4); // an error is retried at once, up to three times, then thrown away
        Assert.Empty(_reports);
        Assert.Contains(_events, e => e.Message == "Liveness probe errored and resulted in unknown state: couldn't find port");
        await Tick(ProbeType.Liveness, 5);
        await Until(() => _reports.Count == 1, "failure after two failures around an error");
    }

    [Fact]
    public async Task Liveness_does_not_probe_until_the_container_has_started()
    {
        _started = false;
        Start(ProbeType.Liveness);
        for (var i = 0; i < 3; i++)
        {
            await Task.Delay(20);
            _time.Advance(TimeSpan.FromSeconds(1));
        }
        await Task.Delay(20);
        Assert.Equal(0, _prober.Count("app", ProbePurpose.Liveness));
        _started = true;
        _time.Advance(TimeSpan.FromSeconds(1));
        await Attempt(ProbeType.Liveness, 1);
    }

    [Fact]
    public async Task Startup_probe_stops_once_it_succeeded()
    {
        _prober.Then("app", ProbePurpose.Startup, Fail, Ok);
        _started = false;
        Start(ProbeType.Startup, failureThreshold: 10);
        await Attempt(ProbeType.Startup, 1);
        await Tick(ProbeType.Startup, 2);
        await Until(() => _reports.Count == 1, "startup success");
        Assert.Equal(ProbeResult.Success, _reports.Single());
        await _run!.WaitAsync(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task A_trigger_probes_before_the_next_tick()
    {
        var worker = Start(ProbeType.Readiness);
        await Attempt(ProbeType.Readiness, 1);
        worker.Trigger();
        await Attempt(ProbeType.Readiness, 2);
    }

    [Fact]
    public async Task Redirect_warning_counts_as_success_with_a_ProbeWarning_event()
    {
        _prober.Always("app", ProbePurpose.Readiness, ProbeOutcome.Warning("Probe terminated redirects, Response body: "));
        Start(ProbeType.Readiness);
        await Until(() => _reports.Count == 1, "ready");
        Assert.Equal(ProbeResult.Success, _reports.Single());
        Assert.Contains(_events, e => e is ("Warning", "ProbeWarning", "Readiness probe warning: Probe terminated redirects, Response body: "));
    }
}

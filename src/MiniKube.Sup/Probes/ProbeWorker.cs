using k8s.Models;
using MiniKube.Sup.Events;

namespace MiniKube.Sup.Probes;

/// <summary>
/// Runs one probe of one container instance, as the kubelet's prober worker (pkg/kubelet/prober/worker.go) does:
/// waits initialDelaySeconds from the container's start, then probes every periodSeconds; counts consecutive
/// results and changes its stored result only when failureThreshold (or successThreshold) runs in a row are
/// reached; reports a change and nothing else (the pod worker acts on it). Liveness and readiness do not probe
/// until the container has started; a startup probe stops once it succeeded; after a liveness or startup
/// failure the worker holds (it ends: a new instance gets a new worker). Each failed attempt is an Unhealthy
/// event, as upstream.
/// </summary>
public sealed class ProbeWorker
{
    private const int MaxProbeRetries = 3; // k8s maxProbeRetries: only errors are retried
    // A prober ends its own attempt at the timeout; this is the safety net for one that does not.
    private static readonly TimeSpan TimeoutGrace = TimeSpan.FromSeconds(1);

    private readonly ProbeType _type;
    private readonly V1Probe _spec;
    private readonly ProbeRequest _request;
    private readonly IProber _prober;
    private readonly TimeProvider _time;
    private readonly Func<bool> _started;
    private readonly Action<ProbeResult, string> _report;
    private readonly Action<string, string, string> _record;
    private TaskCompletionSource _trigger = NewTrigger();
    private ProbeResult _lastResult = ProbeResult.Unknown;
    private int _resultRun;

    /// <param name="started">whether the container has started (postStart done and startup probe passed)</param>
    /// <param name="report">called with the new stored result and the attempt's output when it changes</param>
    /// <param name="record">records an event: type, reason, message</param>
    public ProbeWorker(ProbeType type, V1Probe spec, ProbeTarget target, IProber prober, TimeProvider time, Func<bool> started,
        Action<ProbeResult, string> report, Action<string, string, string> record)
    {
        _type = type;
        _spec = spec;
        _prober = prober;
        _time = time;
        _started = started;
        _report = report;
        _record = record;
        var purpose = type switch { ProbeType.Liveness => ProbePurpose.Liveness, ProbeType.Readiness => ProbePurpose.Readiness, _ => ProbePurpose.Startup };
        _request = new ProbeRequest(purpose, ProbeAction.From(spec), target, Seconds(spec.TimeoutSeconds, 1));
        Result = InitialResult(type);
    }

    public ProbeType Type => _type;

    /// <summary>The stored result: what the pod worker last heard.</summary>
    public ProbeResult Result { get; private set; }

    /// <summary>k8s: a new instance starts with readiness Failure, liveness Success and startup Unknown.</summary>
    public static ProbeResult InitialResult(ProbeType type) => type switch
    {
        ProbeType.Readiness => ProbeResult.Failure,
        ProbeType.Liveness => ProbeResult.Success,
        _ => ProbeResult.Unknown,
    };

    /// <summary>Probe now instead of at the next tick (k8s manualTriggerCh: readiness once the container started).</summary>
    public void Trigger() => _trigger.TrySetResult();

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            // k8s: no probe while the time since the container started is below initialDelaySeconds.
            var delay = Seconds(_spec.InitialDelaySeconds, 0);
            if (delay > TimeSpan.Zero) await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
            var period = Seconds(_spec.PeriodSeconds, 10);
            while (await ProbeOnceAsync(cancellationToken).ConfigureAwait(false))
                await WaitForTickAsync(period, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // the container instance is gone, or the pod is being deleted (liveness and startup stop)
        }
    }

    /// <returns>false when this worker is done with the instance</returns>
    private async Task<bool> ProbeOnceAsync(CancellationToken cancellationToken)
    {
        // k8s: liveness and readiness wait for the container to have started; readiness stays Failure meanwhile.
        if (_type != ProbeType.Startup && !_started()) return true;

        var outcome = await AttemptWithRetriesAsync(cancellationToken).ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
        ProbeResult result;
        switch (outcome.Status)
        {
            case ProbeStatus.Error:
                // k8s: "Prober error, throw away the result".
                _record(SupEvent.Warning, "Unhealthy", $"{_type} probe errored and resulted in unknown state: {outcome.Output}");
                return true;
            case ProbeStatus.Warning:
                _record(SupEvent.Warning, "ProbeWarning", $"{_type} probe warning: {outcome.Output}");
                result = ProbeResult.Success;
                break;
            case ProbeStatus.Failure:
                _record(SupEvent.Warning, "Unhealthy", $"{_type} probe failed: {outcome.Output}");
                result = ProbeResult.Failure;
                break;
            default:
                result = ProbeResult.Success;
                break;
        }

        // k8s resultRun: thresholds count consecutive results.
        if (_lastResult == result) _resultRun++;
        else
        {
            _lastResult = result;
            _resultRun = 1;
        }
        var threshold = result == ProbeResult.Failure ? _spec.FailureThreshold ?? 3 : _spec.SuccessThreshold ?? 1;
        if (_resultRun < threshold) return true;

        if (Result != result)
        {
            Result = result;
            _report(result, outcome.Output);
        }
        // k8s: after a liveness or startup failure the worker holds until a new container instance.
        if (result == ProbeResult.Failure && _type != ProbeType.Readiness)
        {
            _resultRun = 0;
            return false;
        }
        // k8s: once started, the startup probe is not run again for this instance.
        return !(result == ProbeResult.Success && _type == ProbeType.Startup);
    }

    private async Task<ProbeOutcome> AttemptWithRetriesAsync(CancellationToken cancellationToken)
    {
        var outcome = default(ProbeOutcome);
        for (var i = 0; i < MaxProbeRetries; i++)
        {
            outcome = await AttemptAsync(cancellationToken).ConfigureAwait(false);
            if (outcome.Status != ProbeStatus.Error) break;
        }
        return outcome;
    }

    private async Task<ProbeOutcome> AttemptAsync(CancellationToken cancellationToken)
    {
        using var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var run = _prober.ProbeAsync(_request, attempt.Token);
        try
        {
            return await run.WaitAsync(_request.Timeout + TimeoutGrace, _time, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // k8s: a timeout is a failure, not an error.
            attempt.Cancel();
            _ = run.ContinueWith(t => _ = t.Exception, TaskScheduler.Default);
            return ProbeOutcome.Failure($"probe did not finish within its timeout of {_request.Timeout.TotalSeconds:0}s");
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return ProbeOutcome.Error(e.Message);
        }
    }

    private async Task WaitForTickAsync(TimeSpan period, CancellationToken cancellationToken)
    {
        var trigger = _trigger.Task;
        if (!trigger.IsCompleted)
        {
            // No linked source to cancel the tick when the trigger comes first: a trigger is rare (readiness, once
            // per instance) and the tick left behind only fires once, unobserved; a source per tick was not free at
            // a thousand probes a second.
            await Task.WhenAny(Task.Delay(period, _time, cancellationToken), trigger).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
        }
        if (trigger.IsCompleted) _trigger = NewTrigger();
    }

    private static TaskCompletionSource NewTrigger() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private static TimeSpan Seconds(int? value, int fallback) => TimeSpan.FromSeconds(value ?? fallback);
}

using System.Collections.Concurrent;
using MiniKube.Sup.Probes;

namespace MiniKube.Sup.Tests.Probes;

/// <summary>A prober whose results the test decides, per container and purpose: a fixed outcome, a queue of
/// outcomes, or an attempt that blocks until the test completes it (or that never ends). Counts every call.</summary>
internal sealed class ScriptedProber : IProber
{
    private readonly ConcurrentDictionary<(string, ProbePurpose), ConcurrentQueue<Func<CancellationToken, Task<ProbeOutcome>>>> _queued = new();
    private readonly ConcurrentDictionary<(string, ProbePurpose), Func<CancellationToken, Task<ProbeOutcome>>> _fixed = new();
    private readonly ConcurrentDictionary<(string, ProbePurpose), int> _calls = new();

    public ConcurrentQueue<ProbeRequest> Requests { get; } = new();

    public ConcurrentQueue<(string Container, ProbePurpose Purpose, string Event)> Log { get; } = new();

    public int Count(string container, ProbePurpose purpose) => _calls.GetValueOrDefault((container, purpose));

    /// <summary>Every later attempt ends with <paramref name="outcome"/>.</summary>
    public void Always(string container, ProbePurpose purpose, ProbeOutcome outcome) =>
        _fixed[(container, purpose)] = _ => Task.FromResult(outcome);

    /// <summary>The next attempts end with these outcomes, in order (then the fixed outcome, else Success).</summary>
    public void Then(string container, ProbePurpose purpose, params ProbeOutcome[] outcomes)
    {
        var queue = _queued.GetOrAdd((container, purpose), _ => new());
        foreach (var o in outcomes) queue.Enqueue(_ => Task.FromResult(o));
    }

    /// <summary>The next attempt blocks until the returned source is completed (or the attempt is cancelled).</summary>
    public TaskCompletionSource<ProbeOutcome> Block(string container, ProbePurpose purpose)
    {
        var tcs = new TaskCompletionSource<ProbeOutcome>(TaskCreationOptions.RunContinuationsAsynchronously);
        _queued.GetOrAdd((container, purpose), _ => new()).Enqueue(ct => tcs.Task.WaitAsync(ct));
        return tcs;
    }

    /// <summary>Every later attempt never ends by itself (a prober that ignores its timeout).</summary>
    public void Hang(string container, ProbePurpose purpose) =>
        _fixed[(container, purpose)] = ct => Task.Delay(Timeout.Infinite, ct).ContinueWith(_ => ProbeOutcome.Success(), TaskScheduler.Default);

    public async Task<ProbeOutcome> ProbeAsync(ProbeRequest request, CancellationToken cancellationToken)
    {
        var key = (request.Target.Container.Name, request.Purpose);
        Requests.Enqueue(request);
        Log.Enqueue((key.Item1, key.Item2, "start"));
        _calls.AddOrUpdate(key, 1, (_, n) => n + 1);
        var step = _queued.TryGetValue(key, out var q) && q.TryDequeue(out var next) ? next
            : _fixed.GetValueOrDefault(key) ?? (_ => Task.FromResult(ProbeOutcome.Success()));
        try
        {
            var outcome = await step(cancellationToken);
            cancellationToken.ThrowIfCancellationRequested();
            Log.Enqueue((key.Item1, key.Item2, "end"));
            return outcome;
        }
        catch (OperationCanceledException)
        {
            Log.Enqueue((key.Item1, key.Item2, "cancelled"));
            throw;
        }
    }
}

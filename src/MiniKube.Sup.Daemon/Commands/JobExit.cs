using System.Text.Json;
using MiniKube.Sup.Client;
using MiniKube.Sup.Client.Commands;
using MiniKube.Sup.Spec;

namespace MiniKube.Sup.Daemon.Commands;

/// <summary>`sup run --exit-with job/NAME`: follows the Job through the daemon's own API (as `sup wait` would) until
/// it is Complete or Failed, or the timeout passes, and says so; a Failed Job's pods' logs are printed. The caller
/// then stops everything gracefully and exits with <see cref="WaitAsync"/>'s code.</summary>
internal sealed class JobExit(string stateDir, string job, TimeSpan? timeout, TimeProvider time)
{
    /// <summary>What timeout(1) exits with when it had to stop the command: CI scripts already know it.</summary>
    public const int TimedOut = 124;

    public string Job => job;

    /// <returns>0 Complete, 1 Failed, <see cref="TimedOut"/>; null when the daemon went away (or
    /// <paramref name="cancel"/> fired) before the Job ended.</returns>
    public async Task<int?> WaitAsync(CancellationToken cancel)
    {
        var limit = timeout ?? Timeout.InfiniteTimeSpan;
        var start = time.GetTimestamp();
        TimeSpan Left() => limit == Timeout.InfiniteTimeSpan ? limit : limit - time.GetElapsedTime(start);
        using var client = new SupClient(stateDir);
        var waiter = new ObjectWaiter(client, time);
        try
        {
            if (await waiter.UntilReachableAsync(Left(), cancel).ConfigureAwait(false) is not null) return Expired();
            var (ended, json) = await waiter.UntilAsync(Kinds.Job, job, j => j is not null && Ended(j) is not null, Left(), cancel).ConfigureAwait(false);
            if (!ended) return Expired();
            if (Ended(json!) == "Complete")
            {
                Console.Error.WriteLine($"sup: job/{job} Complete: stopping everything");
                return ExitCodes.Success;
            }
            Console.Error.WriteLine($"sup: job/{job} Failed: its pods' logs follow, then everything stops");
            await LogsCommand.JobAsync(client, job, only: null, follow: false, previous: false, tail: null, text: null, cancel).ConfigureAwait(false);
            return ExitCodes.JobFailed;
        }
        catch (Exception e) when (e is OperationCanceledException or DaemonUnreachableException or ApiException or IOException or HttpRequestException)
        {
            return null;
        }
    }

    private int Expired()
    {
        Console.Error.WriteLine($"sup: job/{job} did not finish within {timeout!.Value.TotalSeconds:0.###}s: stopping everything");
        return TimedOut;
    }

    /// <summary>"Complete" or "Failed" once the Job has ended (k8s: both are terminal conditions), else null.</summary>
    private static string? Ended(string json)
    {
        using var doc = JsonDocument.Parse(json);
        return WaitCondition.HasCondition(doc.RootElement, "Complete", "True") ? "Complete"
            : WaitCondition.HasCondition(doc.RootElement, "Failed", "True") ? "Failed"
            : null;
    }
}

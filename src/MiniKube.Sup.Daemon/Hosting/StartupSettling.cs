using Microsoft.Extensions.Logging;
using MiniKube.Sup.Store;

namespace MiniKube.Sup.Daemon.Hosting;

/// <summary>
/// Once start-up has settled — the store unchanged for a second: the files applied, the pods started and their
/// status written — gives back what only start-up used: one compacting collection returns the start's garbage and
/// the GC's emptied regions to the system, and <see cref="StartupPages"/> the executable's and libraries' pages
/// that only start-up read.
/// </summary>
internal sealed partial class StartupSettling(ObjectStore store, TimeProvider time, ILogger logger)
{
    private static readonly TimeSpan Quiet = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan Look = TimeSpan.FromMilliseconds(250);
    /// <summary>A store that never goes quiet for a second (a crash loop of many pods) is not waited for longer.</summary>
    private static readonly TimeSpan Longest = TimeSpan.FromSeconds(60);

    public async Task RunAsync(CancellationToken cancel)
    {
        var begun = time.GetTimestamp();
        var version = store.ResourceVersion;
        var since = begun;
        while (time.GetElapsedTime(since) < Quiet && time.GetElapsedTime(begun) < Longest)
        {
            await Task.Delay(Look, time, cancel).ConfigureAwait(false);
            if (store.ResourceVersion != version)
            {
                version = store.ResourceVersion;
                since = time.GetTimestamp();
            }
        }
        var heapBefore = GC.GetGCMemoryInfo().TotalCommittedBytes;
        GC.Collect(2, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        var heapAfter = GC.GetGCMemoryInfo().TotalCommittedBytes;
        var pages = StartupPages.Find();
        // Said before the pages go: writing the line would map again the logger's code it runs.
        LogSettled(logger, time.GetElapsedTime(begun).TotalSeconds, Mebibytes(heapBefore), Mebibytes(heapAfter), Mebibytes(pages.Sum(p => p.ResidentBytes)));
        StartupPages.Release(pages);
    }

    private static string Mebibytes(long bytes) => (bytes / 1048576.0).ToString("0.0", System.Globalization.CultureInfo.InvariantCulture);

    [LoggerMessage(Level = LogLevel.Information,
        Message = "memory: start-up settled after {Seconds:0.0} s: GC heap {Before} -> {After} MiB; releasing {Released} MiB of file pages only start-up read")]
    private static partial void LogSettled(ILogger logger, double seconds, string before, string after, string released);
}

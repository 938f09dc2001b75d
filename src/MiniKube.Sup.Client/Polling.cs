namespace MiniKube.Sup.Client;

/// <summary>How the CLI waits for the daemon to get somewhere: it asks again and again, quickly at first (most waits
/// are short), then every second, and gives up at a limit — a wait never runs forever.</summary>
internal static class Polling
{
    private static readonly TimeSpan First = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan Longest = TimeSpan.FromSeconds(1);

    /// <returns>true once <paramref name="done"/> holds; false when <paramref name="limit"/> passed first.</returns>
    public static async Task<bool> UntilAsync(Func<Task<bool>> done, TimeSpan limit, TimeProvider time, CancellationToken cancel = default)
    {
        var start = time.GetTimestamp();
        var pause = First;
        while (true)
        {
            if (await done().ConfigureAwait(false)) return true;
            var left = limit - time.GetElapsedTime(start);
            if (left <= TimeSpan.Zero) return false;
            await Task.Delay(pause < left ? pause : left, time, cancel).ConfigureAwait(false);
            pause = pause * 2 < Longest ? pause * 2 : Longest;
        }
    }
}

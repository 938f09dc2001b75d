namespace MiniKube.Sup.Processes;

/// <summary>
/// The zombie children that might be .NET's own (a <see cref="System.Diagnostics.Process"/> reaps its child by pid
/// within microseconds of its SIGCHLD, and loses its exit code if we reap it first): each is left alone for the
/// grace period from when it was first seen a zombie, then it is ours to reap. A pure function of the zombies seen
/// and the time (the caller passes "now"), so that it is tested without a clock.
/// </summary>
public sealed class ZombieGrace(TimeSpan grace)
{
    private readonly Dictionary<int, long> _firstSeen = new();

    /// <summary>Records the zombies seen now (every one: a pid no longer among them was reaped, by .NET or by
    /// us, and is forgotten, so that a reused pid starts a new grace).</summary>
    /// <param name="zombies">the children that are zombies now and that might be .NET's</param>
    /// <param name="nowMs">a monotonic time in milliseconds</param>
    /// <returns>the zombies whose grace is over, and how long until the next one's is (null when none waits)</returns>
    public (IReadOnlyList<int> Due, TimeSpan? NextIn) Observe(IEnumerable<int> zombies, long nowMs)
    {
        var graceMs = (long)grace.TotalMilliseconds;
        var seen = new HashSet<int>();
        var due = new List<int>();
        long? next = null;
        foreach (var pid in zombies)
        {
            if (!seen.Add(pid)) continue;
            var since = _firstSeen.TryGetValue(pid, out var s) ? s : _firstSeen[pid] = nowMs;
            var left = since + graceMs - nowMs;
            if (left <= 0) due.Add(pid);
            else next = next is null ? left : Math.Min(next.Value, left);
        }
        foreach (var pid in _firstSeen.Keys.Where(p => !seen.Contains(p)).ToList()) _firstSeen.Remove(pid);
        foreach (var pid in due) _firstSeen.Remove(pid);
        return (due, next is null ? null : TimeSpan.FromMilliseconds(next.Value));
    }

    /// <summary>No zombie waits any more.</summary>
    public void Clear() => _firstSeen.Clear();

    public int Waiting => _firstSeen.Count;
}

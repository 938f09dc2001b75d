using System.Globalization;

namespace MiniKube.Sup.Processes;

/// <summary>
/// RLIMIT_NOFILE. Each running container holds descriptors in the daemon (its output pipe, its log file), so a
/// daemon with thousands of containers needs more than the usual limit. At start a root daemon raises its own soft
/// and hard limits to the kernel's maximum (fs.nr_open), and any other daemon its soft limit to its hard one, as Go's
/// runtime and systemd do for themselves. Its containers must not see the raised limit (a program may size tables
/// by it, or use select(), which breaks above 1024): each is given back the limit the daemon inherited before it
/// execs (<see cref="SpawnGate"/>); where that cannot be done, the limit is not raised.
/// </summary>
public static class DescriptorLimit
{
    /// <summary>The limit the daemon inherited, given to every process it spawns; null when it did not raise its own.</summary>
    public static (ulong Soft, ulong Hard)? ForChildren { get; private set; }

    /// <summary>Raises this process's limit (call once, before anything is spawned).</summary>
    public static DescriptorLimitChange Raise()
    {
        if (Native.getrlimit(Native.RLIMIT_NOFILE, out var before) != 0)
            return new DescriptorLimitChange(0, 0, 0, 0, "getrlimit: " + Errno.DescribeLast());
        if (SpawnGate.Shared is null)
            return DescriptorLimitChange.Kept(before.Current, before.Max,
                "its containers could not be given back the limit it inherited: " + SpawnGate.Problem);
        string? problem = null;
        var hard = before.Max;
        if (Native.geteuid() == 0 && NrOpen() is { } nrOpen && nrOpen > hard)
        {
            // Root may raise its hard limit only with CAP_SYS_RESOURCE (a container may have dropped it).
            if (Set(nrOpen, nrOpen)) hard = nrOpen;
            else problem = $"the hard limit cannot be raised to {nrOpen} (fs.nr_open): {Errno.DescribeLast()}";
        }
        if (hard == before.Max && before.Current < hard && !Set(hard, hard))
            problem = $"the soft limit cannot be raised to {hard}: {Errno.DescribeLast()}";
        Native.getrlimit(Native.RLIMIT_NOFILE, out var after);
        // Children get the inherited limit whenever ours differs from it; none may start with ours.
        ForChildren = after.Current != before.Current || after.Max != before.Max ? (before.Current, before.Max) : null;
        return new DescriptorLimitChange(before.Current, before.Max, after.Current, after.Max, problem);
    }

    private static bool Set(ulong soft, ulong hard)
    {
        if (ForChildren is null && Native.getrlimit(Native.RLIMIT_NOFILE, out var current) == 0)
            ForChildren = (current.Current, current.Max); // before the raise, so that no spawn races it
        return Native.setrlimit(Native.RLIMIT_NOFILE, new Native.RLimit { Current = soft, Max = hard }) == 0;
    }

    /// <summary>Whether the daemon has room for one more container, keeping a reserve for itself: .NET cannot start
    /// a thread without a descriptor, and a daemon out of them stops answering or aborts. The number the next open
    /// gets (the lowest free descriptor) stands for how many are open: one open and one close, not a count.</summary>
    /// <returns>null, or why not, with what to do</returns>
    public static unsafe string? CheckHeadroom()
    {
        if (Native.getrlimit(Native.RLIMIT_NOFILE, out var limit) != 0 || limit.Current > int.MaxValue) return null;
        var reserve = Math.Max(64UL, limit.Current / 32);
        int fd;
        fixed (byte* path = "/dev/null\0"u8) fd = Native.open(path, Native.O_RDONLY | Native.O_CLOEXEC, 0);
        if (fd >= 0) Native.close(fd);
        if (fd >= 0 && (ulong)fd + reserve < limit.Current) return null;
        var used = fd >= 0 ? $"{fd} descriptors" : $"all {limit.Current} descriptors ({Errno.DescribeLast()})";
        return $"the daemon is out of descriptors: {used} in use of its limit {limit.Current}, of which {reserve} are kept "
            + "for itself (each running container holds one or two): raise its limit (systemd LimitNOFILE=, ulimit -n)";
    }

    /// <summary>fs.nr_open: the most a hard limit may be.</summary>
    private static ulong? NrOpen()
    {
        try { return ulong.Parse(File.ReadAllText("/proc/sys/fs/nr_open").Trim(), NumberStyles.None, CultureInfo.InvariantCulture); }
        catch (Exception e) when (e is IOException or FormatException or OverflowException or UnauthorizedAccessException) { return null; }
    }
}

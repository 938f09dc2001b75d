using System.Globalization;
using System.Runtime.InteropServices;

namespace MiniKube.Sup.Processes;

/// <summary>CPU time of one process at one sample: identity (pid and start time, so that a reused pid is not
/// taken for the same process) and utime+stime in clock ticks.</summary>
public readonly record struct ProcessCpuTime(ulong StartTicks, ulong CpuTicks);

/// <summary>The CPU times of a set of processes at one moment.</summary>
/// <param name="Time">a monotonic time (only differences between samples matter)</param>
/// <param name="UptimeSeconds">the system uptime at the sample (/proc/uptime), if known: it lets a process seen for
/// the first time report its lifetime average, as <c>ps</c> does</param>
public sealed record CpuSample(TimeSpan Time, double? UptimeSeconds, IReadOnlyDictionary<int, ProcessCpuTime> Processes)
{
    public static CpuSample From(TimeSpan time, double? uptimeSeconds, IReadOnlyList<ProcessInfo> snapshot)
    {
        var processes = new Dictionary<int, ProcessCpuTime>(snapshot.Count);
        foreach (var p in snapshot) processes[p.Pid] = new ProcessCpuTime(p.StartTicks, p.CpuTicks);
        return new CpuSample(time, uptimeSeconds, processes);
    }
}

/// <summary>
/// CPU % per process, as top computes it: the utime+stime ticks a process used between two samples, divided by
/// the elapsed time and by the clock tick rate, × 100 — percent of one CPU, so a process with several busy
/// threads can show more than 100.
/// A process not in the previous sample (the first sample of all, or a process started since, or a reused pid)
/// reports its lifetime average, cpu ticks / (uptime − start time), as <c>ps</c> does, when the sample carries the
/// system uptime; otherwise 0. So a one-shot <c>sup ps</c> shows lifetime averages and <c>sup top</c> shows the
/// usage over each refresh interval.
/// The arithmetic is in the static <see cref="Compute"/>, <see cref="Percent"/> and <see cref="LifetimePercent"/>:
/// pure functions of the samples; the instance only remembers the previous sample and reads the clock.
/// </summary>
public sealed partial class CpuSampler(TimeProvider? time = null, long? ticksPerSecond = null, Func<double?>? readUptime = null)
{
    private const int ScClkTck = 2; // _SC_CLK_TCK

    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly long _ticksPerSecond = ticksPerSecond ?? ClockTicksPerSecond;
    private readonly Func<double?> _readUptime = readUptime ?? ReadUptime;
    private CpuSample? _previous;

    /// <summary>sysconf(_SC_CLK_TCK): the unit of the times in /proc/PID/stat (100 on Linux).</summary>
    public static long ClockTicksPerSecond { get; } = ReadClockTicks();

    /// <summary>Takes a sample of <paramref name="snapshot"/> now and returns the CPU % of each of its processes
    /// since the previous call.</summary>
    public IReadOnlyDictionary<int, double> Sample(IReadOnlyList<ProcessInfo> snapshot)
    {
        var now = _time.GetElapsedTime(0, _time.GetTimestamp());
        var current = CpuSample.From(now, _readUptime(), snapshot);
        var result = Compute(_previous, current, _ticksPerSecond);
        _previous = current;
        return result;
    }

    /// <summary>CPU % of every process of <paramref name="current"/>.</summary>
    public static IReadOnlyDictionary<int, double> Compute(CpuSample? previous, CpuSample current, long ticksPerSecond)
    {
        var elapsed = previous is null ? TimeSpan.Zero : current.Time - previous.Time;
        var result = new Dictionary<int, double>(current.Processes.Count);
        foreach (var (pid, now) in current.Processes)
        {
            if (previous is not null && elapsed > TimeSpan.Zero
                && previous.Processes.TryGetValue(pid, out var before) && before.StartTicks == now.StartTicks)
                result[pid] = Percent(before.CpuTicks, now.CpuTicks, elapsed, ticksPerSecond);
            else
                result[pid] = current.UptimeSeconds is { } uptime ? LifetimePercent(now.CpuTicks, now.StartTicks, uptime, ticksPerSecond) : 0;
        }
        return result;
    }

    /// <summary>(after − before) ticks / ticks per second / elapsed seconds × 100; 0 when no time passed.</summary>
    public static double Percent(ulong beforeTicks, ulong afterTicks, TimeSpan elapsed, long ticksPerSecond)
    {
        if (elapsed <= TimeSpan.Zero || ticksPerSecond <= 0 || afterTicks < beforeTicks) return 0;
        return (afterTicks - beforeTicks) / (double)ticksPerSecond / elapsed.TotalSeconds * 100;
    }

    /// <summary>The average since the process started: cpu ticks / (uptime − start time) × 100.</summary>
    public static double LifetimePercent(ulong cpuTicks, ulong startTicks, double uptimeSeconds, long ticksPerSecond)
    {
        if (ticksPerSecond <= 0) return 0;
        var lifetime = uptimeSeconds - startTicks / (double)ticksPerSecond;
        return lifetime <= 0 ? 0 : cpuTicks / (double)ticksPerSecond / lifetime * 100;
    }

    /// <summary>The first number of /proc/uptime, or null.</summary>
    public static double? ReadUptime()
    {
        try
        {
            var text = File.ReadAllText("/proc/uptime");
            var end = text.IndexOf(' ');
            return double.TryParse(end < 0 ? text : text[..end], NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : null;
        }
        catch (IOException) { return null; }
        catch (UnauthorizedAccessException) { return null; }
    }

    private static long ReadClockTicks()
    {
        try
        {
            var ticks = sysconf(ScClkTck);
            return ticks > 0 ? ticks : 100;
        }
        catch (DllNotFoundException) { return 100; }
        catch (EntryPointNotFoundException) { return 100; }
    }

    [LibraryImport("libc")]
    private static partial nint sysconf(int name);
}

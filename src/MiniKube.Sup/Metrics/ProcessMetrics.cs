using System.Globalization;
using MiniKube.Sup.Processes;

namespace MiniKube.Sup.Metrics;

/// <summary>The daemon's own process, with Prometheus' standard names (client_golang's process collector):
/// resident memory, CPU seconds, open and maximum descriptors, start time, threads. Read from /proc/self at each
/// scrape.</summary>
public static class ProcessMetrics
{
    public static void Write(PrometheusTextWriter writer, string procSelf = "/proc/self")
    {
        if (ReadStat(procSelf) is { } stat)
        {
            var ticks = (double)CpuSampler.ClockTicksPerSecond;
            writer.Family("process_cpu_seconds_total", "Total user and system CPU time spent in seconds.", MetricType.Counter)
                .Sample("process_cpu_seconds_total", (stat.UserTicks + stat.SystemTicks) / ticks);
            writer.Family("process_resident_memory_bytes", "Resident memory size in bytes.", MetricType.Gauge)
                .Sample("process_resident_memory_bytes", stat.RssPages * (double)Environment.SystemPageSize);
            writer.Family("process_virtual_memory_bytes", "Virtual memory size in bytes.", MetricType.Gauge)
                .Sample("process_virtual_memory_bytes", stat.VirtualBytes);
            writer.Family("process_threads", "Number of OS threads in the process.", MetricType.Gauge)
                .Sample("process_threads", stat.Threads);
            if (BootTime() is { } boot)
                writer.Family("process_start_time_seconds", "Start time of the process since unix epoch in seconds.", MetricType.Gauge)
                    .Sample("process_start_time_seconds", boot + stat.StartTicks / ticks);
        }
        if (OpenDescriptors(procSelf) is { } open)
            writer.Family("process_open_fds", "Number of open file descriptors.", MetricType.Gauge).Sample("process_open_fds", open);
        if (MaxDescriptors(procSelf) is { } max)
            writer.Family("process_max_fds", "Maximum number of open file descriptors.", MetricType.Gauge).Sample("process_max_fds", max);
    }

    /// <summary>The fields of /proc/PID/stat that matter here (proc(5): utime 14, stime 15, num_threads 20,
    /// starttime 22, vsize 23, rss 24), read after the last ')' since the command name may hold anything.</summary>
    public static (ulong UserTicks, ulong SystemTicks, long Threads, ulong StartTicks, double VirtualBytes, long RssPages)? ParseStat(string text)
    {
        var close = text.LastIndexOf(')');
        if (close < 0) return null;
        var f = text[(close + 2)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        // f[0] is field 3 (state): field n is f[n - 3].
        if (f.Length < 22) return null;
        static ulong U(string s) => ulong.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : 0;
        return (U(f[11]), U(f[12]), (long)U(f[17]), U(f[19]), U(f[20]), (long)U(f[21]));
    }

    private static (ulong UserTicks, ulong SystemTicks, long Threads, ulong StartTicks, double VirtualBytes, long RssPages)? ReadStat(string procSelf) =>
        TryRead(Path.Combine(procSelf, "stat")) is { } text ? ParseStat(text) : null;

    /// <summary>The btime line of /proc/stat: the boot time, which starttime (ticks since boot) is counted from.</summary>
    private static double? BootTime()
    {
        var text = TryRead("/proc/stat");
        var line = text?.Split('\n').FirstOrDefault(l => l.StartsWith("btime ", StringComparison.Ordinal));
        return line is not null && double.TryParse(line[6..], NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : null;
    }

    private static int? OpenDescriptors(string procSelf)
    {
        try { return Directory.EnumerateFileSystemEntries(Path.Combine(procSelf, "fd")).Count(); }
        catch (IOException) { return null; }
        catch (UnauthorizedAccessException) { return null; }
    }

    /// <summary>The soft limit of "Max open files" in /proc/PID/limits.</summary>
    public static double? ParseMaxOpenFiles(string limits)
    {
        var line = limits.Split('\n').FirstOrDefault(l => l.StartsWith("Max open files", StringComparison.Ordinal));
        var soft = line?["Max open files".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault();
        if (soft is null) return null;
        return soft == "unlimited" ? double.PositiveInfinity : double.TryParse(soft, NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : null;
    }

    private static double? MaxDescriptors(string procSelf) => TryRead(Path.Combine(procSelf, "limits")) is { } text ? ParseMaxOpenFiles(text) : null;

    private static string? TryRead(string path)
    {
        try { return File.ReadAllText(path); }
        catch (IOException) { return null; }
        catch (UnauthorizedAccessException) { return null; }
    }
}

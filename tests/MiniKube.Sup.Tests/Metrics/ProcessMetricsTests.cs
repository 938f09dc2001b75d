using MiniKube.Sup.Metrics;

namespace MiniKube.Sup.Tests.Metrics;

public sealed class ProcessMetricsTests
{
    [Fact]
    public void Stat_fields_are_read_after_the_command_name_whatever_it_holds()
    {
        // proc(5): utime 14, stime 15, num_threads 20, starttime 22, vsize 23, rss 24.
        const string Stat = "42 (a) b (c)) S 1 42 42 0 -1 4194560 100 0 0 0 250 50 0 0 20 0 7 0 12345 104857600 2560 18446744073709551615";
        var stat = ProcessMetrics.ParseStat(Stat)!.Value;
        Assert.Equal(250ul, stat.UserTicks);
        Assert.Equal(50ul, stat.SystemTicks);
        Assert.Equal(7, stat.Threads);
        Assert.Equal(12345ul, stat.StartTicks);
        Assert.Equal(104857600d, stat.VirtualBytes);
        Assert.Equal(2560, stat.RssPages);
    }

    [Theory]
    [InlineData("Max open files            1024                 524288               files     \n", 1024d)]
    [InlineData("Max open files            unlimited            unlimited            files     \n", double.PositiveInfinity)]
    public void Max_fds_is_the_soft_limit(string limits, double expected) =>
        Assert.Equal(expected, ProcessMetrics.ParseMaxOpenFiles("Limit                     Soft Limit           Hard Limit           Units     \n" + limits));

    [Fact]
    public void The_daemons_own_process_has_the_standard_families()
    {
        var w = new PrometheusTextWriter();
        ProcessMetrics.Write(w);
        var text = w.ToString();
        foreach (var family in new[] { "process_cpu_seconds_total", "process_resident_memory_bytes", "process_open_fds", "process_max_fds", "process_start_time_seconds", "process_threads" })
            Assert.Contains($"# TYPE {family} ", text);
    }
}

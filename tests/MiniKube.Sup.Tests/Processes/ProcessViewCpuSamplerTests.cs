using Microsoft.Extensions.Time.Testing;
using MiniKube.Sup.Processes;

namespace MiniKube.Sup.Tests.Processes;

public class ProcessViewCpuSamplerTests
{
    private static ProcessInfo P(int pid, ulong cpuTicks, ulong startTicks = 500) => new(pid, 1, pid, pid, 'R', "x", startTicks, cpuTicks, 0);

    [Fact]
    public void Percent_is_ticks_used_over_elapsed_time_and_tick_rate()
    {
        Assert.Equal(50, CpuSampler.Percent(100, 200, TimeSpan.FromSeconds(2), 100), 6);
        Assert.Equal(250, CpuSampler.Percent(0, 500, TimeSpan.FromSeconds(2), 100), 6); // several busy threads
        Assert.Equal(0, CpuSampler.Percent(100, 200, TimeSpan.Zero, 100));
        Assert.Equal(0, CpuSampler.Percent(200, 100, TimeSpan.FromSeconds(1), 100));
    }

    [Fact]
    public void Lifetime_percent_is_cpu_time_over_time_since_start()
    {
        // started at 5 s of uptime, 15 s now: 10 s alive, 2.5 s of CPU
        Assert.Equal(25, CpuSampler.LifetimePercent(250, 500, 15, 100), 6);
        Assert.Equal(0, CpuSampler.LifetimePercent(250, 500, 5, 100));
    }

    [Fact]
    public void Compute_uses_the_previous_sample_and_falls_back_to_the_lifetime_for_new_or_reused_pids()
    {
        var before = new CpuSample(TimeSpan.FromSeconds(10), 100, new Dictionary<int, ProcessCpuTime>
        {
            [1] = new(500, 1000),
            [2] = new(500, 0),
        });
        var after = new CpuSample(TimeSpan.FromSeconds(12), 102, new Dictionary<int, ProcessCpuTime>
        {
            [1] = new(500, 1100),   // 100 ticks in 2 s: 50 %
            [2] = new(9000, 10),    // same pid, another process (started at 90 s): 10 ticks over 12 s
            [3] = new(9800, 20),    // new (started at 98 s): 20 ticks over 4 s
        });
        var cpu = CpuSampler.Compute(before, after, 100);
        Assert.Equal(50, cpu[1], 6);
        Assert.Equal(0.1 / 12 * 100, cpu[2], 6);
        Assert.Equal(0.2 / 4 * 100, cpu[3], 6);
        Assert.Equal(3, cpu.Count);
    }

    [Fact]
    public void First_sample_without_uptime_reports_zero()
    {
        var only = new CpuSample(TimeSpan.FromSeconds(1), null, new Dictionary<int, ProcessCpuTime> { [1] = new(0, 1000) });
        Assert.Equal(0, CpuSampler.Compute(null, only, 100)[1]);
    }

    [Fact]
    public void Sampler_measures_the_elapsed_time_with_its_time_provider()
    {
        var time = new FakeTimeProvider();
        var sampler = new CpuSampler(time, ticksPerSecond: 100, readUptime: () => null);
        Assert.Equal(0, sampler.Sample([P(7, 1000)])[7]);
        time.Advance(TimeSpan.FromSeconds(4));
        Assert.Equal(25, sampler.Sample([P(7, 1100)])[7], 6);
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(0, sampler.Sample([P(7, 1100)])[7], 6);
    }

    [Fact]
    public void Clock_tick_rate_is_read_from_the_system() => Assert.Equal(100, CpuSampler.ClockTicksPerSecond);

    [Fact]
    public void A_busy_process_of_this_host_shows_cpu_use()
    {
        var sampler = new CpuSampler(TimeProvider.System);
        var self = Environment.ProcessId;
        ProcFs.TryRead(self, out var first);
        sampler.Sample([first]);
        var until = DateTime.UtcNow.AddMilliseconds(300);
        var spin = 0L;
        while (DateTime.UtcNow < until) spin++;
        ProcFs.TryRead(self, out var second);
        Assert.True(sampler.Sample([second])[self] > 20, $"spun {spin} times");
    }
}

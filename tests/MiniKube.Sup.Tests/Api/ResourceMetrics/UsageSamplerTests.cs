using MiniKube.Sup.Api.ResourceMetrics;
using MiniKube.Sup.Processes;

namespace MiniKube.Sup.Tests.Api.ResourceMetrics;

public sealed class UsageSamplerTests
{
    private const long Hz = 100;
    private const long Page = 4096;
    private readonly Microsoft.Extensions.Time.Testing.FakeTimeProvider _time = TestClock.Create();
    private const double Uptime = 1000;

    private UsageSampler NewSampler() => new(_time, Hz, () => Uptime, Page);

    private static ProcessInfo P(int pid, ulong start, ulong cpu, long rssPages) => new(pid, 1, pid, pid, 'S', "app", start, cpu, rssPages);

    private static List<ContainerReading> One(params ProcessInfo[] processes) => [new("default", "web", "app", processes)];

    private static List<ContainerReading> InCgroup(long cpuNanoseconds, long workingSet, params ProcessInfo[] processes) =>
        [new("default", "web", "app", processes, cpuNanoseconds, workingSet)];

    [Fact]
    public void A_first_request_answers_at_once_with_each_processs_lifetime_average()
    {
        // Started at 900 s of uptime (90,000 ticks), 100 s ago; used 50 s of CPU: half a core. A second one, a tenth.
        var usage = NewSampler().Measure(One(P(10, 90_000, 5_000, 256), P(11, 90_000, 1_000, 256))).Single();
        Assert.Equal(600_000_000, usage.CpuNanoCores);
        Assert.Equal(512 * Page, usage.MemoryBytes);
        Assert.Equal(TimeSpan.Zero, usage.Window);
    }

    [Fact]
    public void Later_requests_measure_the_cpu_used_since_the_oldest_sample_of_the_window()
    {
        var sampler = NewSampler();
        sampler.Measure(One(P(10, 90_000, 5_000, 256)));
        _time.Advance(TimeSpan.FromSeconds(10));
        // 250 ticks = 2.5 s of CPU in 10 s: a quarter of a core.
        var usage = sampler.Measure(One(P(10, 90_000, 5_250, 300))).Single();
        Assert.Equal(250_000_000, usage.CpuNanoCores);
        Assert.Equal(300 * Page, usage.MemoryBytes);
        Assert.Equal(TimeSpan.FromSeconds(10), usage.Window);
    }

    [Fact]
    public void A_process_that_exited_does_not_subtract_and_a_new_or_reused_pid_counts_from_its_start()
    {
        var sampler = NewSampler();
        sampler.Measure(One(P(10, 90_000, 5_000, 1), P(11, 90_000, 9_000, 1)));
        _time.Advance(TimeSpan.FromSeconds(10));
        // 11 exited; 10 used 100 ticks; pid 12 is new with 50 ticks; pid 11... is not there. 150 ticks in 10 s.
        var usage = sampler.Measure(One(P(10, 90_000, 5_100, 1), P(12, 100_500, 50, 1))).Single();
        Assert.Equal(150_000_000, usage.CpuNanoCores);
    }

    [Fact]
    public void Two_requests_within_a_second_are_answered_from_the_same_samples()
    {
        var sampler = NewSampler();
        sampler.Measure(One(P(10, 90_000, 0, 1)));
        _time.Advance(TimeSpan.FromSeconds(5));
        var first = sampler.Measure(One(P(10, 90_000, 100, 1))).Single();
        _time.Advance(TimeSpan.FromMilliseconds(300));
        var second = sampler.Measure(One(P(10, 90_000, 130, 9))).Single();
        Assert.Equal(first.CpuNanoCores, second.CpuNanoCores);
        Assert.Equal(first.MemoryBytes, second.MemoryBytes);
        Assert.Equal(200_000_000, first.CpuNanoCores);
    }

    [Fact]
    public void Samples_older_than_the_window_are_dropped_from_the_base()
    {
        var sampler = NewSampler();
        sampler.Measure(One(P(10, 90_000, 0, 1)));             // t=0
        _time.Advance(TimeSpan.FromSeconds(10));
        sampler.Measure(One(P(10, 90_000, 1_000, 1)));         // t=10: a busy stretch
        _time.Advance(TimeSpan.FromSeconds(10));
        var usage = sampler.Measure(One(P(10, 90_000, 1_000, 1))).Single(); // t=20: idle since t=10
        Assert.Equal(0, usage.CpuNanoCores);
        Assert.Equal(TimeSpan.FromSeconds(10), usage.Window);
    }

    [Fact]
    public void A_container_with_its_own_cgroup_is_measured_by_the_cgroups_counters()
    {
        var sampler = NewSampler();
        // Its oldest process started 100 s ago; the cgroup counted 20 s of CPU (children that exited included).
        var first = sampler.Measure(InCgroup(20_000_000_000, 64 << 20, P(10, 90_000, 10, 1))).Single();
        Assert.Equal(200_000_000, first.CpuNanoCores);
        Assert.Equal(64 << 20, first.MemoryBytes);
        _time.Advance(TimeSpan.FromSeconds(4));
        var later = sampler.Measure(InCgroup(22_000_000_000, 65 << 20, P(10, 90_000, 10, 1))).Single();
        Assert.Equal(500_000_000, later.CpuNanoCores);
        Assert.Equal(65 << 20, later.MemoryBytes);
    }
}

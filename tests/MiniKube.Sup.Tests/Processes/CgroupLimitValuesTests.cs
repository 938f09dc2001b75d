using MiniKube.Sup.Processes;

namespace MiniKube.Sup.Tests.Processes;

public class CgroupLimitValuesTests
{
    // k8s MilliCPUToQuota: millicores * 100000 / 1000 us per 100 ms period, at least 1000 us.
    [Theory]
    [InlineData("0.2", 20_000)]
    [InlineData("1", 100_000)]
    [InlineData("2.5", 250_000)]
    [InlineData("0.01", 1_000)]
    [InlineData("0.005", 1_000)]
    [InlineData("0.001", 1_000)]
    [InlineData("0.0125", 1_250)]
    public void Cpu_quota_is_the_cores_times_the_period_and_never_below_one_millisecond(string cpus, long quota)
    {
        Assert.Equal(quota, CgroupLimitValues.CpuQuota(decimal.Parse(cpus, System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Equal($"{quota} 100000", CgroupLimitValues.CpuMax(decimal.Parse(cpus, System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Theory]
    [InlineData(52_428_800L, "52428800")]
    [InlineData(1L, "4096")]
    public void Memory_is_bytes_and_at_least_one_page(long bytes, string text) =>
        Assert.Equal(text, CgroupLimitValues.Memory(bytes));

    [Theory]
    [InlineData("0.2", "200m")]
    [InlineData("2", "2")]
    [InlineData("0.0125", "13m")]
    public void Cpu_is_shown_in_millicores_unless_whole(string cpus, string text) =>
        Assert.Equal(text, CgroupLimitValues.Cpu(decimal.Parse(cpus, System.Globalization.CultureInfo.InvariantCulture)));

    [Theory]
    [InlineData(52_428_800L, "50Mi")]
    [InlineData(1_000_000L, "1000000")]
    public void Memory_is_shown_in_Mi_when_whole(long bytes, string text) =>
        Assert.Equal(text, CgroupLimitValues.Bytes(bytes));
}

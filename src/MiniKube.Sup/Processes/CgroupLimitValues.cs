using System.Globalization;

namespace MiniKube.Sup.Processes;

/// <summary>What a container's <c>resources.limits</c> become in cgroup interface files, as runc writes them for
/// the kubelet: memory in bytes (no swap beyond it), cpu as a CFS quota per 100 ms period.</summary>
public static class CgroupLimitValues
{
    /// <summary>k8s: the kubelet's CFS period (cpuCFSQuotaPeriod, 100 ms).</summary>
    public const long CpuPeriodMicroseconds = 100_000;

    /// <summary>k8s: the smallest quota the kernel takes (MinQuotaPeriod, 1 ms): 5m would otherwise be 500 us.</summary>
    public const long MinCpuQuotaMicroseconds = 1_000;

    /// <summary>k8s MilliCPUToQuota: quota = millicores * period / 1000, at least 1 ms.</summary>
    public static long CpuQuota(decimal cpus) =>
        Math.Max(MinCpuQuotaMicroseconds, (long)decimal.Ceiling(cpus * CpuPeriodMicroseconds));

    /// <summary>cgroup v2 cpu.max: "QUOTA PERIOD".</summary>
    public static string CpuMax(decimal cpus) =>
        string.Create(CultureInfo.InvariantCulture, $"{CpuQuota(cpus)} {CpuPeriodMicroseconds}");

    /// <summary>memory.max (v2) or memory.limit_in_bytes (v1): bytes. A limit below one page is one page (the
    /// kernel rounds down to pages, and 0 would be "no memory at all").</summary>
    public static string Memory(long bytes) => Math.Max(4096, bytes).ToString(CultureInfo.InvariantCulture);

    /// <summary>How describe and events say a quantity: cores as millicores, bytes as Mi when whole.</summary>
    public static string Cpu(decimal cpus) =>
        cpus == decimal.Truncate(cpus) ? cpus.ToString("0", CultureInfo.InvariantCulture) : string.Create(CultureInfo.InvariantCulture, $"{decimal.Ceiling(cpus * 1000)}m");

    public static string Bytes(long bytes) =>
        bytes % (1024 * 1024) == 0 ? string.Create(CultureInfo.InvariantCulture, $"{bytes / (1024 * 1024)}Mi") : bytes.ToString(CultureInfo.InvariantCulture);
}

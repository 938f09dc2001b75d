using MiniKube.Sup.Api.ResourceMetrics;

namespace MiniKube.Sup.Tests.Api.ResourceMetrics;

public sealed class CgroupUsageTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("cgroup-usage-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private void Write(string relative, string text)
    {
        var path = Path.Combine(_root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
    }

    [Fact]
    public void Under_cgroup_v1_cpu_is_cpuacct_usage_and_memory_the_working_set()
    {
        Write("cpuacct/pod/cgroup.procs", "10\n11\n");
        Write("cpuacct/pod/cpuacct.usage", "1500000000\n");
        Write("memory/pod/cgroup.procs", "10\n11\n");
        Write("memory/pod/memory.usage_in_bytes", "104857600\n");
        Write("memory/pod/memory.stat", "cache 1\ntotal_inactive_file 4857600\n");
        var (cpu, memory) = CgroupUsage.Read(["4:memory:/pod", "3:cpuacct:/pod", "0::/"], new HashSet<int> { 10, 11 }, _root);
        Assert.Equal(1_500_000_000, cpu);
        Assert.Equal(100_000_000, memory);
    }

    [Fact]
    public void Under_cgroup_v2_cpu_is_usage_usec_and_memory_current_less_inactive_file()
    {
        Write("pod/cgroup.procs", "10\n");
        Write("pod/cpu.stat", "usage_usec 2500\nuser_usec 2000\n");
        Write("pod/memory.current", "2000000\n");
        Write("pod/memory.stat", "anon 1\ninactive_file 500000\n");
        var (cpu, memory) = CgroupUsage.Read(["0::/pod"], new HashSet<int> { 10 }, _root);
        Assert.Equal(2_500_000, cpu);
        Assert.Equal(1_500_000, memory);
    }

    [Fact]
    public void A_cgroup_shared_with_other_processes_or_the_root_is_not_the_containers()
    {
        Write("memory/daemon/cgroup.procs", "1\n10\n");
        Write("memory/daemon/memory.usage_in_bytes", "999\n");
        var (cpu, memory) = CgroupUsage.Read(["4:memory:/daemon", "3:cpuacct:/", "0::/"], new HashSet<int> { 10 }, _root);
        Assert.Null(cpu);
        Assert.Null(memory);
    }
}

using MiniKube.Sup.Processes;

namespace MiniKube.Sup.Tests.Processes;

public class CgroupV1MountsTests
{
    // This project's CI machine: v1 controllers (cpu and cpuacct apart), a nested memory cgroup, cgroup2 beside.
    private const string Hybrid = """
        31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755
        32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu
        33 31 0:30 / /sys/fs/cgroup/cpuacct rw,relatime - cgroup cgroup rw,cpuacct
        35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory
        41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw
        """;

    private const string HybridCgroup = "4:memory:/process_api/9f74\n2:cpuacct:/\n1:cpu:/\n0::/\n";

    [Theory]
    [InlineData("memory", "/sys/fs/cgroup/memory/process_api/9f74")]
    [InlineData("cpu", "/sys/fs/cgroup/cpu")]
    public void The_own_cgroup_of_a_controller_is_its_mount_joined_with_its_path(string controller, string directory)
    {
        Assert.Equal(directory, CgroupV1Mounts.OwnDirectory(controller, Hybrid, HybridCgroup, out var problem));
        Assert.Null(problem);
    }

    [Fact]
    public void Controllers_mounted_together_are_found_by_either_name()
    {
        const string mountinfo = "32 31 0:29 / /sys/fs/cgroup/cpu,cpuacct rw - cgroup cgroup rw,cpu,cpuacct\n";
        Assert.Equal("/sys/fs/cgroup/cpu,cpuacct/system.slice/sup.service",
            CgroupV1Mounts.OwnDirectory("cpu", mountinfo, "3:cpu,cpuacct:/system.slice/sup.service\n", out _));
    }

    [Fact]
    public void A_mount_of_a_subtree_is_joined_with_the_path_below_its_root()
    {
        const string mountinfo = "50 24 0:32 /docker/abc /sys/fs/cgroup/memory ro - cgroup cgroup rw,memory\n";
        Assert.Equal("/sys/fs/cgroup/memory/inner", CgroupV1Mounts.OwnDirectory("memory", mountinfo, "4:memory:/docker/abc/inner\n", out _));
    }

    [Fact]
    public void A_pure_v2_system_has_no_v1_controller_and_says_so()
    {
        const string mountinfo = "29 24 0:26 / /sys/fs/cgroup rw - cgroup2 cgroup2 rw\n";
        Assert.Null(CgroupV1Mounts.OwnDirectory("memory", mountinfo, "0::/user.slice\n", out var problem));
        Assert.Contains("no cgroup v1 memory controller", problem);
    }

    [Fact]
    public void A_hierarchy_that_is_not_mounted_says_so()
    {
        Assert.Null(CgroupV1Mounts.OwnDirectory("memory", "41 31 0:38 / /sys/fs/cgroup/unified rw - cgroup2 cgroup2 rw\n", HybridCgroup, out var problem));
        Assert.Contains("no cgroup v1 memory mount", problem);
    }
}

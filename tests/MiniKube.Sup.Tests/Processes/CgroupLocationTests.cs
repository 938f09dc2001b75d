using MiniKube.Sup.Processes;

namespace MiniKube.Sup.Tests.Processes;

public class CgroupLocationTests
{
    // Debian 12 with v1 controllers and a cgroup2 hierarchy beside them (this project's CI machine).
    private const string Hybrid = """
        31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755
        35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory
        41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw
        """;

    // A pure v2 system under systemd.
    private const string Unified = """
        24 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw
        29 24 0:26 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:4 - cgroup2 cgroup2 rw,nsdelegate,memory_recursiveprot
        """;

    [Theory]
    [InlineData(Hybrid, "4:memory:/x\n0::/\n", "/sys/fs/cgroup/unified", "/")]
    [InlineData(Hybrid, "0::/ci/job-7\n", "/sys/fs/cgroup/unified/ci/job-7", "/ci/job-7")]
    [InlineData(Unified, "0::/system.slice/sup.service\n", "/sys/fs/cgroup/system.slice/sup.service", "/system.slice/sup.service")]
    public void The_own_cgroup_is_the_cgroup2_mount_joined_with_the_v2_path(string mountinfo, string cgroup, string directory, string path)
    {
        var location = CgroupLocation.Parse(mountinfo, cgroup, out var problem);
        Assert.Null(problem);
        Assert.Equal(new CgroupLocation(directory, path), location);
    }

    [Fact]
    public void A_mount_of_a_subtree_is_joined_with_the_path_below_its_root()
    {
        var mountinfo = "50 24 0:26 /user.slice /mnt/cg rw - cgroup2 cgroup2 rw\n";
        var location = CgroupLocation.Parse(mountinfo, "0::/user.slice/app.scope\n", out _);
        Assert.Equal("/mnt/cg/app.scope", location!.Directory);
    }

    [Fact]
    public void Escaped_characters_of_a_mount_point_are_decoded()
    {
        var mountinfo = "50 24 0:26 / /mnt/my\\040cgroups rw - cgroup2 cgroup2 rw\n";
        Assert.Equal("/mnt/my cgroups/a", CgroupLocation.Parse(mountinfo, "0::/a\n", out _)!.Directory);
    }

    [Theory]
    [InlineData(Hybrid, "4:memory:/x\n", "no \"0::\" line")]
    [InlineData("31 23 0:28 / /sys/fs/cgroup rw - tmpfs tmpfs rw\n", "0::/\n", "no cgroup2 file system is mounted")]
    [InlineData(Hybrid, "0::/../../outside\n", "outside this cgroup namespace")]
    [InlineData("50 24 0:26 /other /mnt/cg rw - cgroup2 cgroup2 rw\n", "0::/mine\n", "no cgroup2 mount shows")]
    public void Without_a_usable_hierarchy_the_problem_is_named(string mountinfo, string cgroup, string expected)
    {
        Assert.Null(CgroupLocation.Parse(mountinfo, cgroup, out var problem));
        Assert.Contains(expected, problem);
    }
}

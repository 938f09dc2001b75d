using MiniKube.Sup.Processes;
using MiniKube.Sup.Testing;

namespace MiniKube.Sup.Tests.Processes;

/// <summary>Limits written into a temporary directory standing in for the cgroup file systems: the kernel's
/// interface files are made by the test where the kernel would have made them.</summary>
public sealed class ContainerLimitCgroupsTests : IDisposable
{
    private const string Id = "abc123";
    private const string Name = "web_1234abcd_app_1";
    private const long FiftyMi = 50L * 1024 * 1024;
    private readonly TempDirectory _root = new();

    public void Dispose() => _root.Dispose();

    private string V1Mountinfo => $"""
        32 31 0:29 / {_root.Combine("cpu")} rw - cgroup cgroup rw,cpu
        35 31 0:32 / {_root.Combine("memory")} rw - cgroup cgroup rw,memory
        """;

    private const string V1Cgroup = "4:memory:/process_api/nested\n1:cpu:/\n0::/\n";

    private string MemoryInstance => _root.Combine("memory", "process_api", "nested", "sup-" + Id, Name);

    private string CpuInstance => _root.Combine("cpu", "sup-" + Id, Name);

    private static void Kernel(string directory, params string[] files)
    {
        Directory.CreateDirectory(directory);
        foreach (var f in files) File.WriteAllText(Path.Combine(directory, f), "");
    }

    private LimitHierarchies V1() => LimitHierarchies.Detect(Id, null, null, V1Mountinfo, V1Cgroup);

    [Fact]
    public void V1_limits_go_to_a_cgroup_per_controller_under_the_daemons_own_and_leave_no_swap()
    {
        var limits = V1();
        Assert.Equal("cgroup v1 memory", limits.Memory!.Description);
        Assert.Equal("cgroup v1 cpu", limits.Cpu!.Description);
        var container = limits.Create(Name, membership: null, FiftyMi, 0.2m);
        Kernel(MemoryInstance, "memory.limit_in_bytes", "memory.memsw.limit_in_bytes", "cgroup.procs");
        Kernel(CpuInstance, "cpu.cfs_period_us", "cpu.cfs_quota_us", "cgroup.procs");

        container.Apply();

        Assert.Equal("52428800", File.ReadAllText(Path.Combine(MemoryInstance, "memory.limit_in_bytes")));
        Assert.Equal("52428800", File.ReadAllText(Path.Combine(MemoryInstance, "memory.memsw.limit_in_bytes")));
        Assert.Equal("100000", File.ReadAllText(Path.Combine(CpuInstance, "cpu.cfs_period_us")));
        Assert.Equal("20000", File.ReadAllText(Path.Combine(CpuInstance, "cpu.cfs_quota_us")));
        Assert.Equal([MemoryInstance, CpuInstance], container.JoinDirectories);
        Assert.Empty(container.NotApplied);
        Assert.Equal("memory 50Mi applied (cgroup v1 memory, no swap); cpu 200m applied (cgroup v1 cpu, 20000 us per 100000 us)", container.Summary);
    }

    [Fact]
    public void Without_memsw_accounting_the_memory_limit_applies_and_says_swap_is_not_limited()
    {
        var container = V1().Create(Name, null, FiftyMi, null);
        Kernel(MemoryInstance, "memory.limit_in_bytes");
        container.Apply();
        Assert.Equal("memory 50Mi applied (cgroup v1 memory, swap not limited: no memsw accounting)", container.Summary);
    }

    [Fact]
    public void A_limit_file_that_cannot_be_written_leaves_that_limit_not_applied_and_the_process_out_of_that_cgroup()
    {
        var container = V1().Create(Name, null, FiftyMi, 0.5m);
        Kernel(CpuInstance, "cpu.cfs_period_us", "cpu.cfs_quota_us"); // the memory cgroup has no files: ENOENT

        container.Apply();

        Assert.Equal([CpuInstance], container.JoinDirectories);
        var notApplied = Assert.Single(container.NotApplied);
        Assert.StartsWith("memory 50Mi: cannot write 52428800 to ", notApplied);
        Assert.Contains("(ENOENT)", notApplied);
        Assert.StartsWith("memory 50Mi not applied: cannot write", container.Summary);
        Assert.EndsWith("cpu 500m applied (cgroup v1 cpu, 50000 us per 100000 us)", container.Summary);
    }

    [Fact]
    public void A_cgroup_the_process_could_not_join_is_reported_as_not_applied()
    {
        var container = V1().Create(Name, null, null, 1m);
        Kernel(CpuInstance, "cpu.cfs_period_us", "cpu.cfs_quota_us");
        container.Apply();
        container.JoinFailed(CpuInstance, "Permission denied (EACCES)");
        Assert.Empty(container.Applied);
        Assert.Equal($"cpu 1 not applied: cannot move the process into cgroup {CpuInstance}: Permission denied (EACCES)", container.Summary);
    }

    [Fact]
    public void Without_any_hierarchy_every_limit_asked_for_is_not_applied_with_the_reason()
    {
        var limits = LimitHierarchies.Detect(Id, null, null, "41 31 0:38 / /sys/fs/cgroup/unified rw - cgroup2 cgroup2 rw\n", "0::/\n");
        var container = limits.Create(Name, null, FiftyMi, 0.2m);
        container.Apply();
        Assert.Empty(container.JoinDirectories);
        Assert.Equal("memory 50Mi not applied: no cgroup v1 memory controller (/proc/self/cgroup names no memory hierarchy); "
            + "cpu 200m not applied: no cgroup v1 cpu controller (/proc/self/cgroup names no cpu hierarchy)", container.Summary);
    }

    [Fact]
    public void V2_limits_are_files_of_the_containers_own_cgroup_once_the_controllers_are_enabled_for_the_tree()
    {
        var own = _root.Combine("unified", "sup.service");
        var tree = Path.Combine(own, "sup-" + Id);
        Kernel(own, "cgroup.subtree_control");
        File.WriteAllText(Path.Combine(own, "cgroup.controllers"), "cpuset cpu io memory pids\n");
        Kernel(tree, "cgroup.subtree_control");
        var limits = LimitHierarchies.Detect(Id, tree, own, "", "0::/sup.service\n");
        Assert.True(limits.Memory!.IsV2);
        Assert.True(limits.Cpu!.IsV2);
        Assert.StartsWith("+", File.ReadAllText(Path.Combine(tree, "cgroup.subtree_control")));

        var membership = Path.Combine(tree, Name);
        Kernel(membership, "memory.max", "memory.swap.max", "memory.oom.group", "cpu.max");
        var container = limits.Create(Name, membership, FiftyMi, 0.2m);
        container.Apply();

        Assert.Equal("52428800", File.ReadAllText(Path.Combine(membership, "memory.max")));
        Assert.Equal("0", File.ReadAllText(Path.Combine(membership, "memory.swap.max")));
        Assert.Equal("1", File.ReadAllText(Path.Combine(membership, "memory.oom.group")));
        Assert.Equal("20000 100000", File.ReadAllText(Path.Combine(membership, "cpu.max")));
        Assert.Empty(container.JoinDirectories); // the process is born in its own v2 cgroup already
        Assert.Equal("memory 50Mi applied (cgroup v2 memory, no swap); cpu 200m applied (cgroup v2 cpu, 20000 us per 100000 us)", container.Summary);
    }

    [Fact]
    public void A_controller_the_v2_tree_lacks_falls_back_to_its_v1_hierarchy()
    {
        var own = _root.Combine("unified");
        var tree = Path.Combine(own, "sup-" + Id);
        Kernel(own, "cgroup.subtree_control");
        File.WriteAllText(Path.Combine(own, "cgroup.controllers"), "cpu io pids\n");
        Kernel(tree, "cgroup.subtree_control");
        var limits = LimitHierarchies.Detect(Id, tree, own, V1Mountinfo, V1Cgroup);
        Assert.False(limits.Memory!.IsV2);
        Assert.True(limits.Cpu!.IsV2);
    }

    [Theory]
    [InlineData("oom_kill_disable 0\nunder_oom 0\noom_kill 1\n", 0, true)]
    [InlineData("oom_kill_disable 0\nunder_oom 0\noom_kill 0\n", 9, false)]
    public void The_OOM_killer_is_known_from_the_memory_cgroups_oom_kill_counter(string oomControl, int signal, bool expected)
    {
        var container = V1().Create(Name, null, FiftyMi, null);
        Kernel(MemoryInstance, "memory.limit_in_bytes");
        File.WriteAllText(Path.Combine(MemoryInstance, "memory.oom_control"), oomControl);
        container.Apply();
        Assert.Equal(expected, container.OomKilled(signal == 0 ? ExitStatus.Exited(1) : ExitStatus.Signaled(signal)));
    }

    [Theory]
    [InlineData(9, "3", true)]
    [InlineData(0, "3", false)]
    [InlineData(9, "0", false)]
    public void Without_the_counter_a_SIGKILL_after_the_limit_was_hit_is_the_OOM_killer(int signal, string failcnt, bool expected)
    {
        var container = V1().Create(Name, null, FiftyMi, null);
        Kernel(MemoryInstance, "memory.limit_in_bytes");
        File.WriteAllText(Path.Combine(MemoryInstance, "memory.oom_control"), "oom_kill_disable 0\nunder_oom 0\n");
        File.WriteAllText(Path.Combine(MemoryInstance, "memory.failcnt"), failcnt + "\n");
        container.Apply();
        Assert.Equal(expected, container.OomKilled(signal == 0 ? ExitStatus.Exited(0) : ExitStatus.Signaled(signal)));
    }

    [Fact]
    public async Task Removing_the_container_removes_its_v1_cgroups_and_the_sweep_removes_a_killed_daemons()
    {
        var limits = V1();
        var container = limits.Create(Name, null, FiftyMi, 0.2m);
        var leftover = limits.Create("old_00000000_app_7", null, FiftyMi, null);
        Assert.True(Directory.Exists(MemoryInstance));

        await container.RemoveAsync(TimeProvider.System, TimeSpan.FromSeconds(1));
        Assert.False(Directory.Exists(MemoryInstance));
        Assert.False(Directory.Exists(CpuInstance));

        Assert.Empty(await limits.KillLeftoversAsync(TimeProvider.System));
        Assert.Empty(limits.Memory!.Existing());
        Assert.True(Directory.Exists(limits.Memory.Directory));
        await limits.ReleaseAsync(TimeProvider.System);
        Assert.False(Directory.Exists(limits.Memory.Directory));
        Assert.False(Directory.Exists(limits.Cpu!.Directory));
        GC.KeepAlive(leftover);
    }
}

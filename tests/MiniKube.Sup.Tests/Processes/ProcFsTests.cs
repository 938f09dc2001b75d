using MiniKube.Sup.Processes;

namespace MiniKube.Sup.Tests.Processes;

public class ProcFsTests
{
    [Fact]
    public void Stat_line_with_spaces_and_parentheses_in_the_command_name_is_parsed()
    {
        var line = "4242 (my (odd) app) S 1 4242 4242 0 -1 4194560 100 0 0 0 7 3 0 0 20 0 1 0 12345 1000000 250 18446744073709551615";
        Assert.True(ProcFs.TryParseStat(line, out var p));
        Assert.Equal(4242, p.Pid);
        Assert.Equal("my (odd) app", p.Comm);
        Assert.Equal('S', p.State);
        Assert.Equal(1, p.Ppid);
        Assert.Equal(4242, p.Pgid);
        Assert.Equal(10UL, p.CpuTicks);
        Assert.Equal(12345UL, p.StartTicks);
        Assert.Equal(250, p.RssPages);
    }

    [Fact]
    public void Own_process_is_found_in_the_snapshot() =>
        Assert.Contains(ProcFs.Snapshot(), p => p.Pid == Environment.ProcessId);

    [Fact]
    public void Container_processes_include_group_descendants_and_marked_orphans()
    {
        const int self = 100;
        var snapshot = new List<ProcessInfo>
        {
            new(200, self, 200, 200, 'S', "master", 0, 0, 0),
            new(201, 200, 200, 200, 'S', "worker", 0, 0, 0),
            new(202, 201, 202, 202, 'S', "setsid-child-of-worker", 0, 0, 0),
            new(300, self, 300, 300, 'S', "daemon", 0, 0, 0),
            new(301, 300, 300, 300, 'S', "daemon-child", 0, 0, 0),
            new(400, self, 400, 400, 'S', "other-container", 0, 0, 0),
            new(500, 1, 500, 500, 'S', "unrelated", 0, 0, 0),
        };
        var owners = new Dictionary<int, string> { [300] = "d/pod/c", [400] = "d/pod/other" };
        var found = ContainerProcesses.Find(200, "d/pod/c", snapshot, pid => owners.GetValueOrDefault(pid), self)
            .Select(p => p.Pid).Order().ToList();
        Assert.Equal([200, 201, 202, 300, 301], found);
    }
}

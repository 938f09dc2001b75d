using MiniKube.Sup.Processes;

namespace MiniKube.Sup.Tests.Processes;

public class ProcessTableTests
{
    private const int Self = 100;

    private static ProcessInfo P(int pid, int ppid, int pgid, int? sid = null, char state = 'S') =>
        new(pid, ppid, pgid, sid ?? pgid, state, "p", 1000, 0, 0);

    /// <summary>Container a: master 200 (group and session 200), worker 201, a setsid daemon 300 reparented to us
    /// with a's mark and its child 301, a daemon 310 adopted by init with a's mark; container b: master 400 and
    /// 401 in its session but another group; strangers 500 (init's child, no mark) and 600.</summary>
    private static readonly ProcessInfo[] Snapshot =
    [
        P(Self, 1, Self), P(200, Self, 200), P(201, 200, 200), P(300, Self, 300), P(301, 300, 300),
        P(310, 1, 310), P(400, Self, 400), P(401, 400, 401, sid: 400), P(500, 1, 500), P(600, 599, 600),
    ];

    private static readonly Dictionary<int, string> Owners = new() { [300] = "d/a/1", [310] = "d/a/1", [400] = "d/b/1", [500] = "other" };

    [Fact]
    public void A_container_is_its_group_and_session_its_marked_orphans_and_their_descendants()
    {
        var table = new ProcessTable(Snapshot, Owners.GetValueOrDefault, Self);
        Assert.Equal([200, 201, 300, 301, 310], table.Container(200, "d/a/1").Select(p => p.Pid).Order());
        Assert.Equal([400, 401], table.Container(400, "d/b/1").Select(p => p.Pid).Order());
    }

    [Fact]
    public void Each_orphan_environment_is_read_once_however_many_containers_look()
    {
        var reads = new List<int>();
        var table = new ProcessTable(Snapshot, pid => { reads.Add(pid); return Owners.GetValueOrDefault(pid); }, Self, pid => pid is 200 or 400);
        table.Container(200, "d/a/1");
        table.Container(400, "d/b/1");
        table.Container(200, "d/a/1");
        Assert.Equal([300, 310, 500], reads.Order()); // masters skipped; never 201, 301 or 600 (not orphans)
    }

    [Fact]
    public void The_daemon_is_never_part_of_a_container()
    {
        var table = new ProcessTable([P(Self, 1, 200), P(200, Self, 200)], _ => null, Self);
        Assert.Equal([200], table.Container(200, "x").Select(p => p.Pid));
    }
}

using MiniKube.Sup.Processes;

namespace MiniKube.Sup.Tests.Processes;

public class ProcessViewTests
{
    private const int Self = 100;
    private const long Page = 4096;

    private static ProcessInfo P(int pid, int ppid, int pgid, char state = 'S', string comm = "app", long rssPages = 0) =>
        new(pid, ppid, pgid, pgid, state, comm, 1000, 0, rssPages);

    /// <summary>web/app: master 200 with workers 203, 201, 202 (listed out of order), 201's child 210, a daemon 300
    /// reparented to us carrying app's owner token; web/side: master 400; db/main: not running.</summary>
    private static ProcessViewSource Source()
    {
        var processes = new List<ProcessInfo>
        {
            P(400, Self, 400, comm: "side"),
            P(203, 200, 200, rssPages: 3),
            P(200, Self, 200, rssPages: 2560),
            P(210, 201, 200, 'R', comm: "grandchild"),
            P(201, 200, 200),
            P(202, 200, 200, 'Z', comm: "gone"),
            P(300, Self, 300, comm: "daemon"),
            P(500, 1, 500, comm: "unrelated"),
        };
        var owners = new Dictionary<int, string> { [300] = "d/web/app/1", [400] = "d/web/side/1", [500] = "other" };
        var commands = new Dictionary<int, string> { [200] = "/bin/app --workers 3", [201] = "/bin/app worker", [203] = "/bin/app worker", [210] = "/bin/app child", [300] = "/bin/app daemon", [400] = "/bin/side" };
        return new ProcessViewSource(processes, pid => owners.GetValueOrDefault(pid), pid => commands.GetValueOrDefault(pid, ""), Self, Page,
            pid => pid is 200 or 400 ? "root" : "www-data");
    }

    private static readonly (string, string, int, string)[] Containers =
    [
        ("web", "app", 200, "d/web/app/1"),
        ("web", "side", 400, "d/web/side/1"),
        ("db", "main", 0, "d/db/main/1"),
    ];

    [Fact]
    public void Processes_are_grouped_by_pod_and_container_and_ordered_as_a_tree()
    {
        var view = ProcessViewBuilder.Build(Containers, Source());
        Assert.Equal(["web", "db"], view.Select(p => p.Name));
        Assert.Equal(["app", "side"], view[0].Containers.Select(c => c.Name));
        var app = view[0].Containers[0];
        Assert.Equal(200, app.MasterPid);
        Assert.Equal([200, 201, 210, 202, 203, 300], app.Processes.Select(p => p.Pid));
        Assert.Equal([0, 1, 2, 1, 1, 1], app.Processes.Select(p => p.Depth));
        Assert.Equal([400], view[0].Containers[1].Processes.Select(p => p.Pid));
    }

    [Fact]
    public void The_main_process_is_the_master_and_every_other_one_a_worker()
    {
        var app = ProcessViewBuilder.Build(Containers, Source())[0].Containers[0];
        Assert.Equal("master", app.Processes[0].Role);
        Assert.All(app.Processes.Skip(1), p => Assert.Equal("worker", p.Role));
        Assert.Equal("master", ProcessViewBuilder.Build(Containers, Source())[0].Containers[1].Processes[0].Role);
    }

    [Fact]
    public void Rss_is_pages_times_page_size_and_a_process_without_command_line_shows_its_comm()
    {
        var app = ProcessViewBuilder.Build(Containers, Source())[0].Containers[0];
        Assert.Equal(2560 * Page, app.Processes.Single(p => p.Pid == 200).RssBytes);
        Assert.Equal(3 * Page, app.Processes.Single(p => p.Pid == 203).RssBytes);
        var zombie = app.Processes.Single(p => p.Pid == 202);
        Assert.Equal("[gone]", zombie.Command);
        Assert.Equal('Z', zombie.State);
        Assert.Equal("/bin/app --workers 3", app.Processes[0].Command);
        Assert.Equal(200, app.Processes.Single(p => p.Pid == 201).Ppid);
    }

    [Fact]
    public void A_container_that_is_not_running_has_no_master_and_no_processes()
    {
        var db = ProcessViewBuilder.Build(Containers, Source())[1].Containers[0];
        Assert.Null(db.MasterPid);
        Assert.Empty(db.Processes);
    }

    [Fact]
    public void Cpu_percent_comes_from_the_given_map()
    {
        var cpu = new Dictionary<int, double> { [200] = 12.5, [201] = 3 };
        var app = ProcessViewBuilder.Build(Containers, Source(), cpu)[0].Containers[0];
        Assert.Equal(12.5, app.Processes[0].CpuPercent);
        Assert.Equal(3, app.Processes[1].CpuPercent);
        Assert.Equal(0, app.Processes[2].CpuPercent);
    }

    [Fact]
    public void Other_containers_masters_are_not_asked_for_their_owner()
    {
        var asked = new List<int>();
        var source = Source();
        source = source with { ReadOwner = pid => { asked.Add(pid); return Source().ReadOwner(pid); } };
        ProcessViewBuilder.Build(Containers, source);
        Assert.DoesNotContain(400, asked);
        Assert.Contains(300, asked);
    }

    [Fact]
    public void Json_has_the_documented_camelCase_shape_and_round_trips()
    {
        var view = ProcessViewBuilder.Build(Containers, Source(), new Dictionary<int, double> { [200] = 1.5 });
        var json = ProcessViewJson.Serialize(view);
        using var doc = System.Text.Json.JsonDocument.Parse(json);
        var master = doc.RootElement.GetProperty("pods")[0].GetProperty("containers")[0].GetProperty("processes")[0];
        Assert.Equal("web", doc.RootElement.GetProperty("pods")[0].GetProperty("name").GetString());
        Assert.Equal(200, doc.RootElement.GetProperty("pods")[0].GetProperty("containers")[0].GetProperty("masterPid").GetInt32());
        Assert.Equal(200, master.GetProperty("pid").GetInt32());
        Assert.Equal(Self, master.GetProperty("ppid").GetInt32());
        Assert.Equal("master", master.GetProperty("role").GetString());
        Assert.Equal("S", master.GetProperty("state").GetString());
        Assert.Equal(1.5, master.GetProperty("cpuPercent").GetDouble());
        Assert.Equal(2560 * Page, master.GetProperty("rssBytes").GetInt64());
        Assert.Equal("/bin/app --workers 3", master.GetProperty("command").GetString());
        Assert.Equal("root", master.GetProperty("user").GetString());
        Assert.Equal("www-data", doc.RootElement.GetProperty("pods")[0].GetProperty("containers")[0].GetProperty("processes")[1].GetProperty("user").GetString());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, doc.RootElement.GetProperty("pods")[1].GetProperty("containers")[0].GetProperty("masterPid").ValueKind);

        var back = ProcessViewJson.Deserialize(json)!;
        Assert.Equal(view[0].Containers[0].Processes, back.Pods[0].Containers[0].Processes);
    }

    [Fact]
    public void Table_is_a_tree_with_aligned_columns()
    {
        var view = ProcessViewBuilder.Build(Containers, Source(), new Dictionary<int, double> { [200] = 12.25, [210] = 99.96 });
        var expected = """
            POD/CONTAINER/PID  PPID  ROLE    USER      STATE   CPU%     RSS  COMMAND
            web
            ├─ app
            │  └─ 200           100  master  root      S       12.3  10.0Mi  /bin/app --workers 3
            │     ├─ 201        200  worker  www-data  S        0.0      0B  /bin/app worker
            │     │  └─ 210     201  worker  www-data  R      100.0      0B  /bin/app child
            │     ├─ 202        200  worker  www-data  Z        0.0      0B  [gone]
            │     ├─ 203        200  worker  www-data  S        0.0  12.0Ki  /bin/app worker
            │     └─ 300        100  worker  www-data  S        0.0      0B  /bin/app daemon
            └─ side
               └─ 400           100  master  root      S        0.0      0B  /bin/side
            db
            └─ main (not running)
            """;
        Assert.Equal(expected.ReplaceLineEndings("\n") + "\n", ProcessViewTable.Format(view));
    }

    [Fact]
    public void Long_commands_are_cut_to_the_width()
    {
        Assert.Equal("abcd…", ProcessViewTable.Truncate("abcdefgh", 5));
        Assert.Equal("abcde", ProcessViewTable.Truncate("abcde", 5));
        Assert.Equal("abcdefgh", ProcessViewTable.Truncate("abcdefgh", 0));
    }

    [Theory]
    [InlineData(0, "0B")]
    [InlineData(1023, "1023B")]
    [InlineData(1024, "1.0Ki")]
    [InlineData(12_897_485, "12.3Mi")]
    [InlineData(3L * 1024 * 1024 * 1024, "3.0Gi")]
    public void Rss_is_shown_in_binary_units(long bytes, string text) => Assert.Equal(text, ProcessViewTable.HumanBytes(bytes));

    [Fact]
    public void A_command_line_with_control_characters_is_shown_escaped()
    {
        // Any process may set its own command line: it must not drive the terminal of whoever runs `sup ps`.
        var view = new List<ProcessViewPod>
        {
            new("web", [new ProcessViewContainer("app", 200, [new ProcessViewProcess(200, 1, "master", 'S', 0, 0, "sh -c x \e]0;pwned\a\e[2J", 0)])]),
        };

        var text = ProcessViewTable.Format(view);

        Assert.Contains(@"sh -c x \x1b]0;pwned\a\x1b[2J", text);
        Assert.DoesNotContain(text, c => char.IsControl(c) && c != '\n');
    }
}

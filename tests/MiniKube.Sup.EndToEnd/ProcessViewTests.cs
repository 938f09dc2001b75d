using MiniKube.Sup.Processes;

namespace MiniKube.Sup.EndToEnd;

public class ProcessViewTests
{
    private static (string, string, int, string)[] Containers(PodHarness h, string pod)
    {
        var status = h.Status(pod);
        var master = int.Parse(status.ContainerID!.Replace("sup://", ""));
        var owner = $"{h.Paths.DaemonId}/{pod}/{h.Get(pod)!.Metadata.Uid}/app/1";
        return [(pod, "app", master, owner)];
    }

    private static IReadOnlyList<ProcessViewProcess> Live(IReadOnlyList<ProcessViewPod> view) =>
        view.Single().Containers.Single().Processes.Where(p => p.State != 'Z').ToList();

    [Fact]
    public async Task Master_with_six_workers_shows_1_master_and_6_workers_and_a_dead_worker_leaves_the_view()
    {
        await using var h = new PodHarness();
        h.Run("apache", "Always", 10, PodHarness.TestApp("app", "--workers", "6"));
        await Poll.Until(() => h.Status("apache").State?.Running is not null, "running");
        var containers = Containers(h, "apache");
        var master = containers[0].Item3;
        var sampler = new CpuSampler();
        IReadOnlyList<ProcessViewPod> view = [];
        await Poll.Until(() =>
        {
            var source = ProcessViewSource.Live();
            view = ProcessViewBuilder.Build(containers, source, sampler.Sample(source.Processes));
            // A worker caught between fork and exec still shows its parent's command line (and, under load, the
            // parent's resident memory too): wait until all have exec'd.
            return Live(view).Count == 7 && Live(view).All(p => p.RssBytes > 0) && Live(view).Skip(1).All(p => p.Command.EndsWith("testapp worker", StringComparison.Ordinal));
        }, "1 master + 6 workers");

        var processes = Live(view);
        Assert.Equal(master, view[0].Containers[0].MasterPid);
        Assert.Equal(master, processes[0].Pid);
        Assert.Equal("master", processes[0].Role);
        Assert.Equal(0, processes[0].Depth);
        Assert.Equal(Environment.ProcessId, processes[0].Ppid);
        var workers = processes.Skip(1).ToList();
        Assert.Equal(6, workers.Count);
        Assert.All(workers, w =>
        {
            Assert.Equal("worker", w.Role);
            Assert.Equal(master, w.Ppid);
            Assert.Equal(1, w.Depth);
            Assert.EndsWith("testapp worker", w.Command);
            Assert.True(w.RssBytes > 0);
            Assert.True(w.CpuPercent >= 0);
        });
        Assert.Equal(workers.Select(w => w.Pid).Order(), workers.Select(w => w.Pid));
        Assert.Contains("--workers 6", processes[0].Command);

        var table = ProcessViewTable.Format(view);
        Assert.Contains($"└─ {master} ", table);
        Assert.Equal(6, table.Split('\n').Count(l => l.Contains(" worker ")));
        var json = ProcessViewJson.Deserialize(ProcessViewJson.Serialize(view))!;
        Assert.Equal(7, json.Pods[0].Containers[0].Processes.Count(p => p.State != 'Z'));

        // A worker killed with SIGKILL is reaped by the master and leaves the view; the others are still there
        // with their pids. (TestApp does not fork a replacement: see --refork.)
        var victim = workers[2].Pid;
        Native.kill(victim, Native.SIGKILL);
        await Poll.Until(() =>
        {
            view = ProcessViewBuilder.Build(containers, ProcessViewSource.Live(), sampler.Sample(ProcFs.Snapshot()));
            return view[0].Containers[0].Processes.All(p => p.Pid != victim);
        }, "the killed worker to leave the view");
        var after = Live(view);
        Assert.Equal([master, .. workers.Select(w => w.Pid).Where(p => p != victim)], after.Select(p => p.Pid));
        Assert.All(after, p => Assert.True(ProcFs.TryRead(p.Pid, out var info) && !info.IsZombie, $"{p.Pid} is not live"));
    }

    [Fact]
    public async Task Workers_that_die_and_are_reforked_show_up_with_their_new_pids()
    {
        await using var h = new PodHarness();
        h.Run("apache", "Always", 10, PodHarness.TestApp("app", "--workers", "6", "--refork"));
        await Poll.Until(() => h.Status("apache").State?.Running is not null, "running");
        var containers = Containers(h, "apache");
        IReadOnlyList<ProcessViewProcess> Workers() =>
            Live(ProcessViewBuilder.Build(containers, ProcessViewSource.Live())).Where(p => p.Role == "worker").ToList();
        await Poll.Until(() => Workers().Count == 6, "6 workers");
        var before = Workers().Select(w => w.Pid).ToList();

        Native.kill(before[0], Native.SIGKILL);
        Native.kill(before[1], Native.SIGKILL);
        await Poll.Until(() => Workers() is { Count: 6 } now && !now.Any(w => w.Pid == before[0] || w.Pid == before[1]), "two re-forked workers");

        var after = Workers().Select(w => w.Pid).ToList();
        Assert.Equal(4, after.Intersect(before).Count());
        Assert.Equal(2, after.Except(before).Count());
        // The master's line reaches us through the output pump, which may lag the fork that /proc already shows.
        await Poll.Until(() => h.Output.Any(l => l.StartsWith("apache/app | re-forked worker ", StringComparison.Ordinal)), "the master's re-fork line");
    }

    [Fact]
    public async Task A_restarted_container_shows_its_new_master()
    {
        await using var h = new PodHarness();
        h.Run("phoenix", "Always", 10, PodHarness.TestApp("app", "--workers", "1"));
        await Poll.Until(() => h.Status("phoenix").State?.Running is not null, "running");
        var first = Containers(h, "phoenix")[0].Item3;
        Native.kill(first, Native.SIGKILL);
        await Poll.Until(() => h.Status("phoenix").RestartCount == 1 && h.Status("phoenix").State?.Running is not null, "restart");
        var status = h.Status("phoenix");
        var master = int.Parse(status.ContainerID!.Replace("sup://", ""));
        var owner = $"{h.Paths.DaemonId}/phoenix/{h.Get("phoenix")!.Metadata.Uid}/app/2";
        IReadOnlyList<ProcessViewPod> view = [];
        await Poll.Until(() =>
        {
            view = ProcessViewBuilder.Build([("phoenix", "app", master, owner)]);
            return Live(view).Count == 2;
        }, "new master + 1 worker");
        Assert.NotEqual(first, master);
        Assert.Equal(master, Live(view)[0].Pid);
        Assert.DoesNotContain(Live(view), p => p.Pid == first);
    }
}

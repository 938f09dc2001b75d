using MiniKube.Sup.Processes;
using static MiniKube.Sup.Testing.Poll;

namespace MiniKube.Sup.Tests.Processes;

public class SharedProcessTableTests
{
    [Fact]
    public async Task Callers_that_ask_while_a_scan_runs_share_the_next_one()
    {
        var scans = 0;
        var release = new SemaphoreSlim(0);
        var shared = new SharedProcessTable(() =>
        {
            Interlocked.Increment(ref scans);
            release.Wait();
            return new ProcessTable([], _ => null, 1);
        });
        var first = shared.GetAsync();
        await Until(() => Volatile.Read(ref scans) == 1); // the first scan runs
        var waiting = Enumerable.Range(0, 50).Select(_ => shared.GetAsync()).ToList();
        release.Release(2);
        var firstTable = await first;
        var tables = await Task.WhenAll(waiting);
        Assert.Equal(2, scans); // not 51
        Assert.Single(tables.Distinct());
        Assert.NotSame(firstTable, tables[0]);
    }

    [Fact]
    public async Task A_caller_never_gets_a_scan_that_began_before_it_asked()
    {
        var started = 0;
        var gate = new SemaphoreSlim(0);
        var shared = new SharedProcessTable(() =>
        {
            var n = Interlocked.Increment(ref started);
            gate.Wait();
            return new ProcessTable([new ProcessInfo(n, 0, 0, 0, 'S', "scan", 0, 0, 0)], _ => null, -1);
        });
        var early = shared.GetAsync();
        await Until(() => Volatile.Read(ref started) == 1); // scan 1 is running
        var late = shared.GetAsync();
        gate.Release(2);
        Assert.Equal(1, (await early).All[0].Pid);
        Assert.Equal(2, (await late).All[0].Pid);
    }
}

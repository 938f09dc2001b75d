using MiniKube.Sup.Processes;

namespace MiniKube.Sup.Tests.Processes;

/// <summary>A cgroup.procs read from inside a PID namespace lists a member outside it as pid 0, and kill(0) signals the
/// caller's own process group: as PID 1 of `unshare --pid --fork`, a sweep by pid killed unshare itself.</summary>
public sealed class SignalByPidTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("sup-procs-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void A_member_outside_our_pid_namespace_read_as_0_is_not_a_pid()
    {
        var procs = Path.Combine(_dir, "cgroup.procs");
        File.WriteAllText(procs, "0\n4242\n0\n");
        Assert.Equal([4242], CgroupFile.ReadPids(procs));
    }

    [Fact]
    public void Pid_0_or_below_is_never_signalled_it_would_be_our_own_process_group()
    {
        // Signal 0 only checks: with the bug, kill(0, 0) succeeds on our own group.
        Assert.False(ProcessSignal.Send(0, 0, _ => true));
        Assert.False(ProcessSignal.Send(-1, 0, _ => true));
    }
}

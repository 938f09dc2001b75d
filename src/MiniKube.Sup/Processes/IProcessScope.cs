namespace MiniKube.Sup.Processes;

/// <summary>Where the processes of one container instance are, and how they are ended: a cgroup of their own
/// (<see cref="CgroupScope"/>) where the daemon may create one, else the master's process group and session, the
/// owner mark and the subreaper's parent chain (<see cref="ProcessTreeScope"/>).</summary>
public interface IProcessScope
{
    /// <summary>The instance's cgroup directory, when it has one: exec probes and hooks run in it too.</summary>
    string? CgroupDirectory { get; }

    /// <summary>The instance's processes now; <paramref name="table"/> is a snapshot shared by every container of
    /// one view, read only by a scope that has no cgroup.</summary>
    IReadOnlyList<ProcessInfo> Processes(Func<ProcessTable> table);

    /// <summary>SIGKILL to what can be reached at once without a search (cgroup.kill, or the process group).</summary>
    void KillNow();

    /// <summary>Sends <paramref name="signal"/> to every process of the instance, once each: the members of process
    /// group <paramref name="signalledGroup"/> are left out (the caller signalled that group already).</summary>
    Task SignalAllAsync(int signal, int? signalledGroup = null);

    /// <summary>SIGKILL to everything left, repeated until nothing is left (a fork racing the kill is caught on
    /// the next round) or <paramref name="timeout"/> has passed; then what held the instance is removed.</summary>
    Task KillAllAsync(TimeProvider time, TimeSpan timeout);
}

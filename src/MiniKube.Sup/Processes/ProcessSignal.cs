using System.Runtime.InteropServices;

namespace MiniKube.Sup.Processes;

/// <summary>
/// Signals a process found by its number (in a /proc snapshot, in cgroup.procs) without the risk of signalling
/// another one: a process can end and its pid be given to a new one between the read and the kill. A pidfd is
/// opened first, then the process is checked to be still the one meant (<paramref name="stillOurs"/>: same start
/// time, same cgroup), and the signal goes through the pidfd: if the pid was reused before the pidfd was opened,
/// the check fails; if after, the pidfd refers to the process that ended and the signal goes nowhere.
/// </summary>
public static class ProcessSignal
{
    /// <returns>true when the signal was sent</returns>
    public static bool Send(int pid, int signal, Func<int, bool> stillOurs)
    {
        // 0 and below name process groups (ours, or all): never one process.
        if (pid <= 0) return false;
        var pidfd = Native.pidfd_open(pid);
        if (pidfd < 0)
        {
            // Gone (ESRCH); else no pidfd to be had (a kernel before 5.3, or no descriptor left): check and kill,
            // with the small window that leaves, rather than not at all.
            return Marshal.GetLastPInvokeError() != Native.ESRCH && stillOurs(pid) && Native.kill(pid, signal) == 0;
        }
        try
        {
            return stillOurs(pid) && Native.pidfd_send_signal(pidfd, signal) == 0;
        }
        finally
        {
            Native.close(pidfd);
        }
    }

    /// <summary>Signals a process of a snapshot if it is still the process that was read (same start time).</summary>
    public static bool Send(ProcessInfo process, int signal) =>
        Send(process.Pid, signal, pid => ProcFs.TryRead(pid, out var now) && now.StartTicks == process.StartTicks);
}

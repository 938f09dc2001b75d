using System.ComponentModel;
using System.Runtime.InteropServices;

namespace MiniKube.Sup.Processes;

/// <summary>
/// Notices the exits of processes the daemon adopted (an earlier daemon started them; they are not its children, so
/// <see cref="ChildReaper"/> never hears of them): one thread and one epoll set over their pidfds (Linux 5.3), which
/// become readable when the process ends. The exit status is read through the pidfd (PIDFD_GET_INFO with
/// PIDFD_INFO_EXIT, Linux 6.15) once the process's parent — init, or whichever subreaper it was given to — has
/// reaped it; where that cannot be had the status is unknown (null), as the kubelet reports a container it lost.
/// </summary>
public sealed class AdoptedExits
{
    private const nuint PidfdGetInfo = 0xC040FF0B; // _IOWR(PIDFS_IOCTL_MAGIC 0xFF, 11, struct pidfd_info), 64 bytes
    private const ulong PidfdInfoExit = 1UL << 3;
    private const int InfoSize = 64;
    private const int ExitCodeOffset = 60;
    private const int MaxEvents = 16;

    /// <summary>How long an ended process is waited for to be reaped before its status is given up as unknown.</summary>
    public static readonly TimeSpan ReapWait = TimeSpan.FromSeconds(10);

    public static AdoptedExits Shared { get; } = new();

    private readonly Lock _gate = new();
    private readonly Dictionary<int, TaskCompletionSource<ExitStatus?>> _watched = new();
    private int _epoll = -1;

    private AdoptedExits() { }

    /// <summary>Completes when process <paramref name="pid"/> has ended, with its status, or null when that cannot be
    /// known. A process already gone completes at once, unknown.</summary>
    public unsafe Task<ExitStatus?> Watch(int pid)
    {
        var pidfd = Native.pidfd_open(pid);
        if (pidfd < 0) return Task.FromResult<ExitStatus?>(null);
        var done = new TaskCompletionSource<ExitStatus?>(TaskCreationOptions.RunContinuationsAsynchronously);
        EnsureStarted();
        lock (_gate) _watched[pidfd] = done;
        var ev = stackalloc byte[16];
        *(uint*)ev = Native.EPOLLIN;
        *(long*)(ev + Native.EpollDataOffset) = pidfd;
        if (Native.epoll_ctl(_epoll, Native.EPOLL_CTL_ADD, pidfd, ev) != 0)
        {
            lock (_gate) _watched.Remove(pidfd);
            Native.close(pidfd);
            return Task.FromResult<ExitStatus?>(null);
        }
        return done.Task;
    }

    private void EnsureStarted()
    {
        lock (_gate)
        {
            if (_epoll >= 0) return;
            _epoll = Native.epoll_create1(Native.O_CLOEXEC);
            if (_epoll < 0) throw new Win32Exception(Marshal.GetLastPInvokeError(), "epoll_create1 failed");
            new Thread(Loop) { IsBackground = true, Name = "sup-adopted" }.Start();
        }
    }

    private unsafe void Loop()
    {
        var events = (byte*)NativeMemory.Alloc((nuint)(MaxEvents * Native.EpollEventSize));
        while (true)
        {
            var n = Native.epoll_wait(_epoll, events, MaxEvents, -1);
            for (var i = 0; i < n; i++)
            {
                var pidfd = (int)*(long*)(events + i * Native.EpollEventSize + Native.EpollDataOffset);
                TaskCompletionSource<ExitStatus?>? done;
                lock (_gate) _watched.Remove(pidfd, out done);
                Native.epoll_ctl(_epoll, Native.EPOLL_CTL_DEL, pidfd, null);
                if (done is null) continue;
                // Reaping is its parent's business and may take a moment: waited for off this thread.
                _ = Task.Run(() => ReportAsync(pidfd, done));
            }
        }
    }

    private static async Task ReportAsync(int pidfd, TaskCompletionSource<ExitStatus?> done)
    {
        try { done.TrySetResult(await ExitStatusAsync(pidfd).ConfigureAwait(false)); }
        finally { Native.close(pidfd); }
    }

    private static async Task<ExitStatus?> ExitStatusAsync(int pidfd)
    {
        var deadline = Environment.TickCount64 + (long)ReapWait.TotalMilliseconds;
        while (true)
        {
            switch (TryReadExit(pidfd))
            {
                case (true, var status): return status;
                case (false, _) when Environment.TickCount64 >= deadline: return null;
            }
            await Task.Delay(50).ConfigureAwait(false);
        }
    }

    /// <returns>(true, status) once the kernel has it; (true, null) where it never will (an older kernel); (false, _)
    /// while the process is not reaped yet</returns>
    private static unsafe (bool Final, ExitStatus? Status) TryReadExit(int pidfd)
    {
        var info = stackalloc byte[InfoSize];
        new Span<byte>(info, InfoSize).Clear();
        *(ulong*)info = PidfdInfoExit;
        if (Native.ioctl(pidfd, PidfdGetInfo, info) != 0)
            // ENOTTY/EINVAL: no PIDFD_GET_INFO here; ESRCH: reaped, without the exit information.
            return (true, null);
        if ((*(ulong*)info & PidfdInfoExit) == 0) return (false, null);
        return (true, Native.DecodeWaitStatus(*(int*)(info + ExitCodeOffset)));
    }
}

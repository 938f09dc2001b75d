using System.Runtime.InteropServices;

namespace MiniKube.Sup.Processes;

/// <summary>The libc calls the runtime needs that .NET does not expose: spawning into a new session,
/// reaping by pid, signalling process groups (and processes through pidfds), the child-subreaper flag, FIFOs and
/// resource limits.</summary>
internal static unsafe partial class Native
{
    private const string Libc = "libc";

    public const int SIGHUP = 1;
    public const int SIGKILL = 9;
    public const int SIGTERM = 15;
    public const int WNOHANG = 1;
    public const int WEXITED = 4;
    public const int WNOWAIT = 0x01000000;
    public const int P_ALL = 0;
    public const int O_CLOEXEC = 0x80000;
    public const int O_NOFOLLOW = 0x20000;
    public const int O_RDONLY = 0;
    public const int O_WRONLY = 1;
    public const int O_RDWR = 2;
    public const int P_PID = 1;
    public const int RLIMIT_NOFILE = 7;
    public const int EEXIST = 17;
    public const int ENOSYS = 38;
    public const int PR_SET_CHILD_SUBREAPER = 36;
    public const int ESRCH = 3;
    public const int ECHILD = 10;
    public const int EINTR = 4;
    public const int EAGAIN = 11;
    public const int F_GETFL = 3;
    public const int F_SETFL = 4;
    public const int O_NONBLOCK = 0x800;
    public const int F_SETPIPE_SZ = 1031;
    public const int ENXIO = 6;
    public const int EPOLL_CTL_ADD = 1;
    public const int EPOLL_CTL_DEL = 2;
    public const uint EPOLLIN = 0x001;
    public const uint EPOLLERR = 0x008;
    public const uint EPOLLHUP = 0x010;

    public const short POSIX_SPAWN_SETSIGDEF = 0x04;
    public const short POSIX_SPAWN_SETSIGMASK = 0x08;
    public const short POSIX_SPAWN_SETSID = 0x80;

    // glibc: posix_spawn_file_actions_t is 80 bytes, posix_spawnattr_t 336, sigset_t 128, siginfo_t 128 on
    // x86-64 and arm64; allocate with room to spare.
    public const int FileActionsSize = 256;
    public const int SpawnAttrSize = 512;
    public const int SigSetSize = 256;
    public const int SigInfoSize = 128;

    [LibraryImport(Libc, SetLastError = true)]
    public static partial int posix_spawn(out int pid, byte* path, void* fileActions, void* attr, byte** argv, byte** envp);

    [LibraryImport(Libc)]
    public static partial int posix_spawn_file_actions_init(void* fileActions);

    [LibraryImport(Libc)]
    public static partial int posix_spawn_file_actions_destroy(void* fileActions);

    [LibraryImport(Libc)]
    public static partial int posix_spawn_file_actions_adddup2(void* fileActions, int fd, int newFd);

    [LibraryImport(Libc)]
    public static partial int posix_spawn_file_actions_addopen(void* fileActions, int fd, byte* path, int oflag, int mode);

    [LibraryImport(Libc)]
    public static partial int posix_spawn_file_actions_addchdir_np(void* fileActions, byte* path);

    [LibraryImport(Libc)]
    public static partial int posix_spawn_file_actions_addclose(void* fileActions, int fd);

    /// <summary>glibc 2.34 and later: closes every descriptor from <paramref name="from"/> up in the child.</summary>
    [LibraryImport(Libc)]
    public static partial int posix_spawn_file_actions_addclosefrom_np(void* fileActions, int from);

    [LibraryImport(Libc)]
    public static partial int posix_spawnattr_init(void* attr);

    [LibraryImport(Libc)]
    public static partial int posix_spawnattr_destroy(void* attr);

    [LibraryImport(Libc)]
    public static partial int posix_spawnattr_setflags(void* attr, short flags);

    [LibraryImport(Libc)]
    public static partial int posix_spawnattr_setsigdefault(void* attr, void* sigset);

    [LibraryImport(Libc)]
    public static partial int posix_spawnattr_setsigmask(void* attr, void* sigset);

    [LibraryImport(Libc)]
    public static partial int sigfillset(void* set);

    [LibraryImport(Libc)]
    public static partial int sigemptyset(void* set);

    [LibraryImport(Libc, SetLastError = true)]
    public static partial int waitpid(int pid, out int status, int options);

    [LibraryImport(Libc, SetLastError = true)]
    public static partial int waitid(int idType, int id, void* info, int options);

    [LibraryImport(Libc, SetLastError = true)]
    public static partial int kill(int pid, int sig);

    [LibraryImport(Libc, SetLastError = true)]
    public static partial int prctl(int option, nuint arg2, nuint arg3, nuint arg4, nuint arg5);

    [LibraryImport(Libc, SetLastError = true)]
    public static partial int pipe2(int* fds, int flags);

    [LibraryImport(Libc, SetLastError = true)]
    public static partial int close(int fd);

    [LibraryImport(Libc)]
    public static partial int getpid();

    [LibraryImport(Libc, SetLastError = true)]
    public static partial int fcntl(int fd, int cmd, int arg);

    [LibraryImport(Libc, SetLastError = true)]
    public static partial nint read(int fd, byte* buffer, nint count);

    [LibraryImport(Libc, SetLastError = true)]
    public static partial int epoll_create1(int flags);

    [LibraryImport(Libc, SetLastError = true)]
    public static partial int epoll_ctl(int epfd, int op, int fd, byte* @event);

    [LibraryImport(Libc, SetLastError = true)]
    public static partial int epoll_wait(int epfd, byte* events, int maxEvents, int timeout);

    /// <summary>struct epoll_event is packed (12 bytes) on x86-64 and naturally aligned (16) elsewhere.</summary>
    public static readonly int EpollEventSize = RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 12 : 16;
    public static readonly int EpollDataOffset = RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 4 : 8;

    [LibraryImport(Libc)]
    public static partial int geteuid();

    [LibraryImport(Libc)]
    public static partial int getegid();

    public const int W_OK = 2;

    /// <summary>access(2): whether the calling process, by its real ids, may reach a path in <paramref name="mode"/>.</summary>
    [LibraryImport(Libc, SetLastError = true)]
    public static partial int access(byte* path, int mode);

    [LibraryImport(Libc)]
    public static partial int gettid();

    [LibraryImport(Libc)]
    public static partial int getsid(int pid);

    [LibraryImport(Libc, SetLastError = true)]
    public static partial int mkfifo(byte* path, int mode);

    [LibraryImport(Libc, SetLastError = true)]
    private static partial nint getrandom(byte* buffer, nuint length, uint flags);

    /// <summary>Bytes from the kernel's cryptographically secure generator (getrandom(2)), as hex: a name no one else
    /// can guess. Not RandomNumberGenerator, which on Linux is OpenSSL's: a daemon that makes one at every spawn maps
    /// libcrypto's pages back after its start-up gave them up (~1.2 MiB at the first restart, events hashed otherwise).</summary>
    public static string RandomHex(int bytes)
    {
        Span<byte> buffer = stackalloc byte[bytes];
        fixed (byte* p = buffer)
        {
            var filled = 0;
            while (filled < bytes)
            {
                var n = getrandom(p + filled, (nuint)(bytes - filled), 0);
                if (n < 0 && System.Runtime.InteropServices.Marshal.GetLastPInvokeError() == EINTR) continue;
                if (n <= 0) throw new System.ComponentModel.Win32Exception(System.Runtime.InteropServices.Marshal.GetLastPInvokeError(), "getrandom failed");
                filled += (int)n;
            }
        }
        return Convert.ToHexStringLower(buffer);
    }

    [LibraryImport(Libc, SetLastError = true)]
    public static partial int open(byte* path, int flags, int mode);

    [LibraryImport(Libc, SetLastError = true)]
    public static partial int unlink(byte* path);

    [LibraryImport(Libc, SetLastError = true)]
    public static partial int rename(byte* oldPath, byte* newPath);

    [LibraryImport(Libc, SetLastError = true)]
    public static partial int link(byte* oldPath, byte* newPath);

    [LibraryImport(Libc, SetLastError = true)]
    public static partial nint write(int fd, byte* buffer, nint count);

    /// <summary>struct rlimit: two rlim_t (unsigned long) on 64-bit Linux.</summary>
    public struct RLimit
    {
        public ulong Current;
        public ulong Max;
    }

    [LibraryImport(Libc, SetLastError = true)]
    public static partial int getrlimit(int resource, out RLimit limit);

    [LibraryImport(Libc, SetLastError = true)]
    public static partial int setrlimit(int resource, in RLimit limit);

    [LibraryImport(Libc, SetLastError = true)]
    public static partial int prlimit(int pid, int resource, in RLimit newLimit, RLimit* oldLimit);

    // pidfd_open and pidfd_send_signal (Linux 5.3 / 5.1) have the same number on every architecture (the
    // syscall table was unified from 424 on); glibc 2.36 has no wrapper for pidfd_open on every distribution.
    private const nint SysPidfdSendSignal = 424;
    private const nint SysPidfdOpen = 434;

    [LibraryImport(Libc, EntryPoint = "syscall", SetLastError = true)]
    private static partial nint syscall2(nint number, nint arg1, nint arg2);

    [LibraryImport(Libc, EntryPoint = "syscall", SetLastError = true)]
    private static partial nint syscall4(nint number, nint arg1, nint arg2, nint arg3, nint arg4);

    /// <summary>A descriptor that refers to process <paramref name="pid"/> itself, not to its number: a signal
    /// sent through it can never reach another process that was given the same pid later. -1 and errno set on
    /// failure (ESRCH: gone; ENOSYS: kernel older than 5.3).</summary>
    public static int pidfd_open(int pid) => (int)syscall2(SysPidfdOpen, pid, 0);

    public static int pidfd_send_signal(int pidfd, int signal) => (int)syscall4(SysPidfdSendSignal, pidfd, signal, 0, 0);

    [LibraryImport(Libc, SetLastError = true)]
    public static partial int ioctl(int fd, nuint request, void* argument);

    /// <summary>A close-on-exec pipe: the child gets only the copies posix_spawn dup2s onto 1 and 2.</summary>
    /// <returns>0, or the errno of the failure (EMFILE when the daemon is out of descriptors)</returns>
    public static int CreatePipe(out int readFd, out int writeFd)
    {
        var fds = stackalloc int[2];
        var ok = pipe2(fds, O_CLOEXEC) == 0;
        var errno = ok ? 0 : Marshal.GetLastPInvokeError();
        readFd = fds[0];
        writeFd = fds[1];
        return errno;
    }

    public static ExitStatus DecodeWaitStatus(int status)
    {
        var termSignal = status & 0x7f;
        return termSignal == 0
            ? ExitStatus.Exited((status >> 8) & 0xff)
            : ExitStatus.Signaled(termSignal);
    }
}

using System.Runtime.InteropServices;

namespace MiniKube.Sup.Runtime;

/// <summary>The libc calls the runtime needs that .NET does not expose: spawning into a new session,
/// reaping by pid, signalling process groups, and the child-subreaper flag.</summary>
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
    public const int O_RDONLY = 0;
    public const int PR_SET_CHILD_SUBREAPER = 36;
    public const int ESRCH = 3;
    public const int ECHILD = 10;
    public const int EINTR = 4;
    public const int EAGAIN = 11;
    public const int F_GETFL = 3;
    public const int F_SETFL = 4;
    public const int O_NONBLOCK = 0x800;
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

    /// <summary>A close-on-exec pipe: the child gets only the copies posix_spawn dup2s onto 1 and 2.</summary>
    public static bool TryCreatePipe(out int readFd, out int writeFd)
    {
        var fds = stackalloc int[2];
        var ok = pipe2(fds, O_CLOEXEC) == 0;
        readFd = fds[0];
        writeFd = fds[1];
        return ok;
    }

    public static ExitStatus DecodeWaitStatus(int status)
    {
        var termSignal = status & 0x7f;
        return termSignal == 0
            ? ExitStatus.Exited((status >> 8) & 0xff)
            : ExitStatus.Signaled(termSignal);
    }
}

using System.Runtime.InteropServices;

namespace MiniKube.Sup.Services;

/// <summary>The libc calls <see cref="SpliceRelay"/> needs beyond those of <c>Processes.Native</c>.</summary>
internal static partial class SpliceNative
{
    private const string Libc = "libc";

    public const uint SPLICE_F_MOVE = 1;
    public const uint SPLICE_F_NONBLOCK = 2;
    public const int SHUT_WR = 1;
    public const int EFD_CLOEXEC = 0x80000;
    public const int EFD_NONBLOCK = 0x800;
    public const uint EPOLLOUT = 0x004;
    public const uint EPOLLERR = 0x008;
    public const uint EPOLLHUP = 0x010;
    public const uint EPOLLRDHUP = 0x2000;
    public const uint EPOLLONESHOT = 1u << 30;
    public const uint EPOLLET = 1u << 31;
    public const int EPIPE = 32;

    [LibraryImport(Libc, SetLastError = true)]
    public static partial nint splice(int fdIn, nint offIn, int fdOut, nint offOut, nuint len, uint flags);

    [LibraryImport(Libc, SetLastError = true)]
    public static partial int shutdown(int fd, int how);

    [LibraryImport(Libc, SetLastError = true)]
    public static partial int eventfd(uint initval, int flags);

    [LibraryImport(Libc, SetLastError = true)]
    public static unsafe partial nint write(int fd, byte* buffer, nint count);
}

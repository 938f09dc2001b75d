using System.Runtime.InteropServices;

namespace MiniKube.Sup.FileSystem;

/// <summary>The libc calls the ownership checks need that .NET does not expose: lstat's owner and mode (statx,
/// whose layout is the same on x86-64 and arm64), and who we run as.</summary>
internal static unsafe partial class FileSystemNative
{
    private const string Libc = "libc";
    private const int AT_FDCWD = -100;
    private const int AT_SYMLINK_NOFOLLOW = 0x100;
    private const uint STATX_TYPE = 0x1, STATX_MODE = 0x2, STATX_UID = 0x8, STATX_GID = 0x10;
    private const int ENOENT = 2, ENOTDIR = 20;

    // struct statx: u32 mask, u32 blksize, u64 attributes, u32 nlink, u32 uid, u32 gid, u16 mode, ...
    private const int UidOffset = 20, GidOffset = 24, ModeOffset = 28;

    /// <summary>lstat: the path itself (a symlink is described, not followed); null when it does not exist.</summary>
    /// <exception cref="IOException">it cannot be examined (permission denied, I/O error).</exception>
    public static PathStatus? Lstat(string path)
    {
        var buffer = stackalloc byte[256];
        if (statx(AT_FDCWD, path, AT_SYMLINK_NOFOLLOW, STATX_TYPE | STATX_MODE | STATX_UID | STATX_GID, buffer) != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            if (errno is ENOENT or ENOTDIR) return null;
            throw new IOException($"cannot examine {path}: {Marshal.GetPInvokeErrorMessage(errno)}");
        }
        return new PathStatus(*(ushort*)(buffer + ModeOffset), *(uint*)(buffer + UidOffset), *(uint*)(buffer + GidOffset));
    }

    [LibraryImport(Libc, SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int statx(int dirfd, string path, int flags, uint mask, byte* buffer);

    [LibraryImport(Libc)]
    public static partial uint geteuid();

    [LibraryImport(Libc)]
    public static partial uint getegid();

    /// <summary>lchown: the path itself (a symlink is not followed); -1 leaves that id as it is.</summary>
    [LibraryImport(Libc, SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int lchown(string path, int owner, int group);
}

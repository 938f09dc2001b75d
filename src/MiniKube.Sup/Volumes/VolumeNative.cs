using System.Runtime.InteropServices;

namespace MiniKube.Sup.Volumes;

/// <summary>The libc calls volume set-up needs that .NET does not expose: the file type of a path (statx,
/// whose layout is the same on x86-64 and arm64) and tmpfs mount/unmount.</summary>
internal static unsafe partial class VolumeNative
{
    private const string Libc = "libc";
    private const int AT_FDCWD = -100;
    private const uint STATX_TYPE = 1;
    private const int StatxModeOffset = 28; // struct statx: u32 mask, u32 blksize, u64 attributes, u32 nlink, uid, gid; u16 mode
    public const int MNT_DETACH = 2;

    public const int S_IFMT = 0xF000;
    public const int S_IFSOCK = 0xC000;
    public const int S_IFREG = 0x8000;
    public const int S_IFBLK = 0x6000;
    public const int S_IFDIR = 0x4000;
    public const int S_IFCHR = 0x2000;

    /// <summary>The S_IFMT bits of the path (symlinks followed, as os.Stat does), or null when it does not exist
    /// or cannot be examined.</summary>
    public static int? FileType(string path)
    {
        var buffer = stackalloc byte[256];
        if (statx(AT_FDCWD, path, 0, STATX_TYPE, buffer) != 0) return null;
        return *(ushort*)(buffer + StatxModeOffset) & S_IFMT;
    }

    [LibraryImport(Libc, SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int statx(int dirfd, string path, int flags, uint mask, byte* buffer);

    [LibraryImport(Libc, SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int mount(string source, string target, string fileSystemType, nuint flags, string? data);

    [LibraryImport(Libc, SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int umount2(string target, int flags);
}

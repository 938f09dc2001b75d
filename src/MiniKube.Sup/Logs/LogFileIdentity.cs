using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace MiniKube.Sup.Logs;

/// <summary>The inode of a file (by path or by open handle), through statx(2): how a reader tells that the file at
/// a path is no longer the one it has open (rotated away). .NET exposes no inode. struct statx has the same
/// layout on every architecture.</summary>
internal static unsafe partial class LogFileIdentity
{
    private const int AtFdCwd = -100;
    private const int AtEmptyPath = 0x1000;
    private const uint StatxIno = 0x100;
    private const int StatxSize = 256;
    private const int InoOffset = 32;   // __u64 stx_ino
    private const int DevMajorOffset = 136; // __u32 stx_dev_major, stx_dev_minor

    /// <summary>(device, inode) of the file at <paramref name="path"/>, or null if it does not exist.</summary>
    public static (ulong Device, ulong Inode)? Of(string path)
    {
        var buffer = stackalloc byte[StatxSize];
        if (statx(AtFdCwd, path, 0, StatxIno, buffer) != 0) return null;
        return Read(buffer);
    }

    public static (ulong Device, ulong Inode)? Of(SafeFileHandle handle)
    {
        var buffer = stackalloc byte[StatxSize];
        var added = false;
        try
        {
            handle.DangerousAddRef(ref added);
            if (statx((int)handle.DangerousGetHandle(), "", AtEmptyPath, StatxIno, buffer) != 0) return null;
            return Read(buffer);
        }
        finally
        {
            if (added) handle.DangerousRelease();
        }
    }

    private static (ulong, ulong) Read(byte* buffer) =>
        (((ulong)*(uint*)(buffer + DevMajorOffset) << 32) | *(uint*)(buffer + DevMajorOffset + 4), *(ulong*)(buffer + InoOffset));

    [LibraryImport("libc", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int statx(int dirfd, string path, int flags, uint mask, byte* buffer);
}

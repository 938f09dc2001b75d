using System.Globalization;
using System.Runtime.InteropServices;

namespace MiniKube.Sup.Unix;

/// <summary>
/// Who stands between this user and a path: the owner of the first directory on the way that this user may not
/// enter, else the owner of the path itself. What a "permission denied" should name (.NET exposes no file owner:
/// statx(2), whose struct has the same layout on every architecture, and access(2)).
/// </summary>
internal static unsafe partial class PathOwner
{
    private const int AtFdCwd = -100;
    private const uint StatxUid = 0x8;
    private const int StatxSize = 256;
    private const int UidOffset = 20; // struct statx: u32 mask, u32 blksize, u64 attributes, u32 nlink, u32 uid
    private const int SearchPermission = 1; // X_OK

    /// <summary>The path that refuses this user (a directory on the way, or the path itself) and its owner's name (or
    /// "uid N" when no account has that uid); null when even that cannot be told.</summary>
    public static (string Path, string Owner)? Refusing(string path)
    {
        var full = System.IO.Path.GetFullPath(path);
        var directories = new List<string>();
        for (var dir = System.IO.Path.GetDirectoryName(full); dir is not null; dir = System.IO.Path.GetDirectoryName(dir)) directories.Insert(0, dir);
        var refusing = directories.FirstOrDefault(d => access(d, SearchPermission) != 0 && Marshal.GetLastPInvokeError() == 13 /* EACCES */) ?? full;
        return OwnerUid(refusing) is { } uid ? (refusing, UserName(uid)) : null;
    }

    private static uint? OwnerUid(string path)
    {
        var buffer = stackalloc byte[StatxSize];
        if (statx(AtFdCwd, path, 0, StatxUid, buffer) != 0) return null;
        return *(uint*)(buffer + UidOffset);
    }

    /// <summary>The account name of a uid from /etc/passwd (name:password:uid:...), else "uid N".</summary>
    private static string UserName(uint uid)
    {
        var text = uid.ToString(CultureInfo.InvariantCulture);
        try
        {
            foreach (var line in File.ReadLines("/etc/passwd"))
            {
                var fields = line.Split(':');
                if (fields.Length > 2 && fields[2] == text) return $"{fields[0]} (uid {text})";
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        return $"uid {text}";
    }

    [LibraryImport("libc", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int statx(int dirfd, string path, int flags, uint mask, byte* buffer);

    [LibraryImport("libc", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int access(string path, int mode);
}

using System.Runtime.InteropServices;

namespace MiniKube.Sup.Networking;

/// <summary>The libc calls that enter another network namespace, which .NET does not expose.</summary>
internal static partial class NetworkingNative
{
    private const string Libc = "libc";

    public const int O_RDONLY = 0;
    public const int O_CLOEXEC = 0x80000;
    public const int CLONE_NEWNET = 0x40000000;
    public const int ENOENT = 2;
    public const int ESRCH = 3;

    [LibraryImport(Libc, StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    public static partial int open(string path, int flags);

    /// <summary>Moves the calling thread (only it) into the namespace <paramref name="fd"/> refers to.</summary>
    [LibraryImport(Libc, SetLastError = true)]
    public static partial int setns(int fd, int nstype);
}

using System.Runtime.InteropServices;
using MiniKube.Sup.Processes;

namespace MiniKube.Sup.Runtime;

/// <summary>
/// A pseudo-terminal for a process that runs with a TTY (kubectl exec -t, a container with <c>tty: true</c>): the
/// daemon keeps the master, the process opens the other end by its path as it starts (which makes it its controlling
/// terminal: it leads a session of its own). Neither end may reach the process as an inherited descriptor, or its
/// output would never end: the master reads EIO once nothing holds the other end.
/// </summary>
internal static partial class PseudoTerminal
{
    /// <summary>Opens a terminal of <paramref name="size"/> (80x24 when null).</summary>
    /// <returns>the master and the other end (both close-on-exec), and that end's path</returns>
    /// <exception cref="ContainerExecException">no terminal could be had</exception>
    public static (int Master, int Slave, string Path) Open((ushort Columns, ushort Rows)? size)
    {
        var winSize = new WinSize { Columns = size?.Columns ?? 80, Rows = size?.Rows ?? 24 };
        if (openpty(out var master, out var slave, 0, 0, ref winSize) != 0)
            throw new ContainerExecException("cannot allocate a terminal: " + Errno.DescribeLast());
        fcntl(master, F_SETFD, FD_CLOEXEC);
        fcntl(slave, F_SETFD, FD_CLOEXEC);
        var name = new byte[128];
        if (ptsname_r(master, name, name.Length) != 0)
        {
            var problem = Errno.DescribeLast();
            Native.close(master);
            Native.close(slave);
            throw new ContainerExecException("cannot name the terminal: " + problem);
        }
        return (master, slave, System.Text.Encoding.ASCII.GetString(name, 0, Array.IndexOf(name, (byte)0)));
    }

    /// <summary>Another descriptor of <paramref name="fd"/> (close-on-exec), to read with while the first writes.</summary>
    public static int Duplicate(int fd)
    {
        var copy = dup(fd);
        if (copy < 0) throw new ContainerExecException("cannot duplicate the terminal: " + Errno.DescribeLast());
        fcntl(copy, F_SETFD, FD_CLOEXEC);
        return copy;
    }

    public static void Resize(int master, ushort columns, ushort rows)
    {
        var size = new WinSize { Rows = rows, Columns = columns };
        ioctl(master, TIOCSWINSZ, ref size);
    }

    private const int F_SETFD = 2;
    private const int FD_CLOEXEC = 1;
    private const nuint TIOCSWINSZ = 0x5414;

    [StructLayout(LayoutKind.Sequential)]
    private struct WinSize
    {
        public ushort Rows;
        public ushort Columns;
        public ushort XPixels;
        public ushort YPixels;
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int openpty(out int master, out int slave, nint name, nint termp, ref WinSize winp);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int ptsname_r(int fd, [Out] byte[] buffer, nint length);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int fcntl(int fd, int command, int argument);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int dup(int fd);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int ioctl(int fd, nuint request, ref WinSize size);
}

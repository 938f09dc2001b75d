using System.Runtime.InteropServices;
using System.Text;
using MiniKube.Sup.Processes;

namespace MiniKube.Sup.Runtime;

/// <summary>
/// A host container's stdout and stderr as a named pipe in its pod's directory, not an anonymous one, so that its
/// output does not depend on the daemon's life (SPEC §3, adoption). The container's end is opened for reading and
/// writing: while it runs the pipe always has a reader, so a write never meets a closed pipe (no SIGPIPE, no EPIPE)
/// when no daemon reads; it waits in the pipe's buffer (<see cref="Capacity"/> for a root daemon, else 64 KiB), and beyond
/// that blocks until a daemon reads again. The next daemon opens the pipe again by its path and reads on, where the
/// last one stopped. The daemon's end sees the end of the output once every process of the container that holds the
/// pipe has closed it, as with an anonymous pipe.
/// </summary>
internal static unsafe class OutputFifo
{
    /// <summary>The buffer asked for (the kernel's default pipe-max-size): what a container may write while no daemon
    /// reads before its writes wait.</summary>
    public const int Capacity = 1 << 20;

    /// <summary>Makes the pipe at <paramref name="path"/> (replacing what an earlier instance left there) and opens both
    /// ends, close-on-exec: the daemon's to read (non-blocking) and the container's, for posix_spawn to dup2 onto 1 and 2.</summary>
    /// <returns>0, or the errno of the failure</returns>
    public static int Create(string path, out int readFd, out int writeFd)
    {
        readFd = writeFd = -1;
        var name = Utf8(path);
        fixed (byte* p = name)
        {
            Native.unlink(p);
            if (Native.mkfifo(p, 0x180 /* 0600 */) != 0) return Marshal.GetLastPInvokeError();
            // The reader first: a non-blocking open for reading never waits for a writer.
            readFd = Native.open(p, Native.O_RDONLY | Native.O_NONBLOCK | Native.O_CLOEXEC, 0);
            if (readFd < 0) return Fail(p, ref readFd, ref writeFd);
            writeFd = Native.open(p, Native.O_RDWR | Native.O_CLOEXEC, 0);
            if (writeFd < 0) return Fail(p, ref readFd, ref writeFd);
        }
        // Only as root: a user's large pipes count against its pipe quota (fs.pipe-user-pages-soft), past which every new
        // pipe of that user, not only ours, would get a tiny buffer; an unprivileged daemon keeps the default 64 KiB.
        if (Native.geteuid() == 0) Native.fcntl(writeFd, Native.F_SETPIPE_SZ, Capacity);
        return 0;
    }

    /// <summary>The daemon's end of a pipe an earlier daemon made for a container still running, or -1 when it is gone
    /// (the container ran with an anonymous pipe, or its instance ended).</summary>
    public static int Reopen(string path)
    {
        if (!File.Exists(path)) return -1;
        fixed (byte* p = Utf8(path))
        {
            var fd = Native.open(p, Native.O_RDONLY | Native.O_NONBLOCK | Native.O_CLOEXEC, 0);
            if (fd < 0) return -1;
            // A reader that opens a FIFO no writer holds is not told of the end (no EPOLLHUP) until a writer has come
            // and gone (fs/pipe.c: "suppress EPOLLHUP until we have seen a writer"): an instance that ended just before
            // this open would never be seen to end. A writer of our own, opened and closed at once, is that writer.
            var writer = Native.open(p, Native.O_WRONLY | Native.O_NONBLOCK | Native.O_CLOEXEC, 0);
            if (writer >= 0) Native.close(writer);
            return fd;
        }
    }

    /// <summary>The pipe's name goes once its output has all been read: a later daemon has nothing to reopen.</summary>
    public static void Remove(string path)
    {
        fixed (byte* p = Utf8(path)) Native.unlink(p);
    }

    private static int Fail(byte* path, ref int readFd, ref int writeFd)
    {
        var errno = Marshal.GetLastPInvokeError();
        if (readFd >= 0) Native.close(readFd);
        if (writeFd >= 0) Native.close(writeFd);
        readFd = writeFd = -1;
        Native.unlink(path);
        return errno;
    }

    private static byte[] Utf8(string s) => Encoding.UTF8.GetBytes(s + "\0");
}

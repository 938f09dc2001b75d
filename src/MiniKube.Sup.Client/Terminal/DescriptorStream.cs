using System.Runtime.InteropServices;

namespace MiniKube.Sup.Client.Terminal;

/// <summary>
/// A stream on a bare file descriptor (0, 1 or 2), each write one <c>write(2)</c> loop, each read one <c>read(2)</c>. Console.Out's own
/// stream initialises the terminal on its first write and sends it the terminfo keypad-transmit string (application
/// cursor keys), which no .NET program takes back: every <c>sup</c> command left the terminal in that mode. As the
/// console's stream does, a reader that went away (EPIPE, <c>sup get | head -1</c>) is not an error.
/// </summary>
internal sealed partial class DescriptorStream(int fd) : Stream
{
    private const int EINTR = 4, EAGAIN = 11, EPIPE = 32;
    private const short POLLIN = 1, POLLOUT = 4;

    public override bool CanRead => fd == 0;
    public override bool CanSeek => false;
    public override bool CanWrite => fd != 0;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override unsafe void Write(ReadOnlySpan<byte> buffer)
    {
        fixed (byte* start = buffer)
        {
            var done = 0;
            while (done < buffer.Length)
            {
                var n = write(fd, start + done, (nuint)(buffer.Length - done));
                if (n >= 0)
                {
                    done += (int)n;
                    continue;
                }
                var errno = Marshal.GetLastPInvokeError();
                if (errno == EINTR) continue;
                if (errno == EAGAIN)
                {
                    // A descriptor another process made non-blocking: wait until it takes more.
                    var p = new PollFd { Fd = fd, Events = POLLOUT };
                    poll(ref p, 1, -1);
                    continue;
                }
                if (errno == EPIPE) return;
                throw new IOException($"write to descriptor {fd}: {Marshal.GetPInvokeErrorMessage(errno)}");
            }
        }
    }

    public override void Flush() { }
    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override unsafe int Read(Span<byte> buffer)
    {
        fixed (byte* start = buffer)
        {
            while (true)
            {
                var n = read(fd, start, (nuint)buffer.Length);
                if (n >= 0) return (int)n;
                var errno = Marshal.GetLastPInvokeError();
                if (errno == EINTR) continue;
                if (errno == EAGAIN)
                {
                    var p = new PollFd { Fd = fd, Events = POLLIN };
                    poll(ref p, 1, -1);
                    continue;
                }
                throw new IOException($"read from descriptor {fd}: {Marshal.GetPInvokeErrorMessage(errno)}");
            }
        }
    }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();

    [StructLayout(LayoutKind.Sequential)]
    internal struct PollFd
    {
        public int Fd;
        public short Events;
        public short Revents;
    }

    [LibraryImport("libc", SetLastError = true)]
    private static unsafe partial nint write(int fd, byte* buffer, nuint count);

    [LibraryImport("libc", SetLastError = true)]
    private static unsafe partial nint read(int fd, byte* buffer, nuint count);

    [LibraryImport("libc", SetLastError = true)]
    internal static partial int poll(ref PollFd fds, nuint count, int timeout);
}

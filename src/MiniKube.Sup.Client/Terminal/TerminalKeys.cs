using System.Runtime.InteropServices;

namespace MiniKube.Sup.Client.Terminal;

/// <summary>
/// Single keys from the user's terminal for a live view: stdin's terminal without line editing and without echo
/// (ICANON and ECHO off, nothing else: Ctrl+C still interrupts, output is still translated), restored by
/// <see cref="Dispose"/> to exactly what it was. Only while this process is in the terminal's foreground: a background
/// job that read or set the terminal would be stopped (SIGTTIN, SIGTTOU). The mode is checked on each read and put
/// back if something reset it (the runtime does on SIGCONT, after Ctrl+Z and <c>fg</c>).
/// </summary>
public sealed partial class TerminalKeys : IDisposable
{
    private const int StdinFd = 0, TCSANOW = 0;
    // struct termios on Linux (glibc, x86-64 and arm64): c_iflag, c_oflag, c_cflag, c_lflag (4 bytes each), c_line, c_cc[32].
    private const int LflagOffset = 12, CcOffset = 17, VTIME = 5, VMIN = 6;
    private const uint ICANON = 0x2, ECHO = 0x8;
    private const short POLLIN = 1;

    private readonly byte[] _saved = new byte[256];
    private readonly Lock _gate = new();
    private bool _disposed;

    private TerminalKeys() { }

    /// <summary>Stdin's terminal in key mode; null when stdin is no terminal or this process is not in its foreground.</summary>
    public static TerminalKeys? Enter()
    {
        if (isatty(StdinFd) != 1 || !IsForeground()) return null;
        var keys = new TerminalKeys();
        if (tcgetattr(StdinFd, keys._saved) != 0) return null;
        keys.Apply();
        return keys;
    }

    /// <summary>Whether this process's group is the foreground of stdin's terminal.</summary>
    public static bool IsForeground() => tcgetpgrp(StdinFd) is var group and > 0 && group == getpgrp();

    /// <summary>The next key typed within <paramref name="wait"/>, else null (also while in the background).</summary>
    public char? Read(TimeSpan wait)
    {
        lock (_gate)
        {
            if (_disposed) return null;
            if (!IsForeground()) { Thread.Sleep(wait); return null; }
            Apply(); // cheap when the mode is still ours
        }
        var p = new DescriptorStream.PollFd { Fd = StdinFd, Events = POLLIN };
        if (DescriptorStream.poll(ref p, 1, (int)wait.TotalMilliseconds) <= 0 || (p.Revents & POLLIN) == 0)
        {
            if (p.Revents != 0) Thread.Sleep(wait); // hung up or closed: nothing to read, ever
            return null;
        }
        lock (_gate)
        {
            if (_disposed || !IsForeground()) return null;
            Span<byte> one = stackalloc byte[1];
            unsafe
            {
                fixed (byte* b = one)
                    return read(StdinFd, b, 1) == 1 ? (char)one[0] : null;
            }
        }
    }

    /// <summary>The terminal as it was found (for a stop, Ctrl+Z); <see cref="Resume"/> takes key mode again.</summary>
    public void Suspend()
    {
        lock (_gate) if (!_disposed && IsForeground()) tcsetattr(StdinFd, TCSANOW, _saved);
    }

    public void Resume()
    {
        lock (_gate) if (!_disposed) Apply();
    }

    private void Apply()
    {
        if (!IsForeground()) return;
        var current = new byte[_saved.Length];
        if (tcgetattr(StdinFd, current) != 0) return;
        var lflag = BitConverter.ToUInt32(current, LflagOffset);
        if ((lflag & (ICANON | ECHO)) == 0 && current[CcOffset + VMIN] == 1 && current[CcOffset + VTIME] == 0) return;
        BitConverter.TryWriteBytes(current.AsSpan(LflagOffset), lflag & ~(ICANON | ECHO));
        current[CcOffset + VMIN] = 1;
        current[CcOffset + VTIME] = 0;
        tcsetattr(StdinFd, TCSANOW, current);
    }

    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed) return;
            _disposed = true;
            if (IsForeground()) tcsetattr(StdinFd, TCSANOW, _saved);
        }
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int tcgetattr(int fd, [Out] byte[] termios);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int tcsetattr(int fd, int action, byte[] termios);

    [LibraryImport("libc")]
    private static partial int isatty(int fd);

    [LibraryImport("libc")]
    private static partial int tcgetpgrp(int fd);

    [LibraryImport("libc")]
    private static partial int getpgrp();

    [LibraryImport("libc", SetLastError = true)]
    private static unsafe partial nint read(int fd, byte* buffer, nuint count);
}

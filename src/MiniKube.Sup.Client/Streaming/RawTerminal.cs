using System.Runtime.InteropServices;

namespace MiniKube.Sup.Client.Streaming;

/// <summary>
/// The user's terminal in raw mode for <c>-t</c> (what is typed goes to the remote terminal as it is typed, Ctrl+C
/// included), restored on every way out: disposal, and SIGTERM, SIGHUP or SIGQUIT (restored, then the signal does what
/// it does). Also the terminal's size, and each change of it (SIGWINCH).
/// </summary>
internal sealed partial class RawTerminal : IDisposable
{
    private const int StdinFd = 0, StdoutFd = 1, TCSANOW = 0;
    private const nuint TIOCGWINSZ = 0x5413;

    private readonly byte[] _saved = new byte[256];
    private readonly List<PosixSignalRegistration> _signals = [];
    private int _restored;

    private RawTerminal() { }

    public static bool IsTerminal(int fd) => isatty(fd) == 1;

    /// <summary>Puts stdin's terminal in raw mode; null when stdin is no terminal.</summary>
    public static RawTerminal? Enter()
    {
        if (!IsTerminal(StdinFd)) return null;
        var terminal = new RawTerminal();
        if (tcgetattr(StdinFd, terminal._saved) != 0) return null;
        foreach (var signal in new[] { PosixSignal.SIGTERM, PosixSignal.SIGHUP, PosixSignal.SIGQUIT })
            terminal._signals.Add(PosixSignalRegistration.Create(signal, _ => terminal.Restore()));
        var raw = (byte[])terminal._saved.Clone();
        cfmakeraw(raw);
        tcsetattr(StdinFd, TCSANOW, raw);
        return terminal;
    }

    /// <summary>The terminal's size (columns, rows), from stdout's terminal or stdin's; null when neither is one.</summary>
    public static (ushort Columns, ushort Rows)? Size()
    {
        foreach (var fd in new[] { StdoutFd, StdinFd })
        {
            var size = new WinSize();
            if (ioctl(fd, TIOCGWINSZ, ref size) == 0 && size.Columns > 0) return (size.Columns, size.Rows);
        }
        return null;
    }

    /// <summary>Calls <paramref name="changed"/> each time the terminal is resized, until disposed.</summary>
    public static IDisposable OnResize(Action changed) => PosixSignalRegistration.Create(PosixSignal.SIGWINCH, _ => changed());

    private void Restore()
    {
        if (Interlocked.Exchange(ref _restored, 1) == 0) tcsetattr(StdinFd, TCSANOW, _saved);
    }

    public void Dispose()
    {
        Restore();
        foreach (var signal in _signals) signal.Dispose();
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct WinSize
    {
        public ushort Rows;
        public ushort Columns;
        public ushort XPixels;
        public ushort YPixels;
    }

    // struct termios is 60 bytes on Linux (glibc, x86-64 and arm64): a larger buffer holds it whatever its layout.
    [LibraryImport("libc", SetLastError = true)]
    private static partial int tcgetattr(int fd, [Out] byte[] termios);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int tcsetattr(int fd, int action, byte[] termios);

    [LibraryImport("libc")]
    private static partial void cfmakeraw([In, Out] byte[] termios);

    [LibraryImport("libc")]
    private static partial int isatty(int fd);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int ioctl(int fd, nuint request, ref WinSize size);
}

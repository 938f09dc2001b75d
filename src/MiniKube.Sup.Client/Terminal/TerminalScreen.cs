using System.Runtime.InteropServices;

namespace MiniKube.Sup.Client.Terminal;

/// <summary>What a live view needs to know of stdout: whether it is a terminal that understands control codes, and its size.</summary>
public static partial class TerminalScreen
{
    private const int StdoutFd = 1;
    private const nuint TIOCGWINSZ = 0x5413;

    /// <summary>stdout is a terminal and TERM names one that takes control codes (not unset, not <c>dumb</c>).</summary>
    public static bool IsInteractive =>
        isatty(StdoutFd) == 1 && Environment.GetEnvironmentVariable("TERM") is { Length: > 0 } term && term != "dumb";

    /// <summary>Colours unless NO_COLOR is set (no-color.org).</summary>
    public static bool Colour => Environment.GetEnvironmentVariable("NO_COLOR") is not { Length: > 0 };

    public static bool IsTerminal(int fd) => isatty(fd) == 1;

    /// <summary>stdout's size in columns and rows; 80×24 when it cannot say.</summary>
    public static (int Columns, int Rows) Size()
    {
        var size = new WinSize();
        return ioctl(StdoutFd, TIOCGWINSZ, ref size) == 0 && size.Columns > 0 && size.Rows > 0 ? (size.Columns, size.Rows) : (80, 24);
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct WinSize
    {
        public ushort Rows;
        public ushort Columns;
        public ushort XPixels;
        public ushort YPixels;
    }

    [LibraryImport("libc")]
    private static partial int isatty(int fd);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int ioctl(int fd, nuint request, ref WinSize size);
}
